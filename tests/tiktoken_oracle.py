"""The differential oracle for the tiktoken tests: npm tiktoken@1.0.22 (openai's Rust core as WASM) under node,
kept running for the session and asked line by line (tests/tiktoken_oracle.mjs)."""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class Oracle:
    def __init__(self, npm_modules: Path) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed")
        self._proc = subprocess.Popen([node, str(HERE / "tiktoken_oracle.mjs"), str(npm_modules)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                      errors="surrogatepass")
        self._lock = threading.Lock()
        self._cache: dict[Any, Any] = {}

    def ask(self, encoding: str, texts: list[str], *, ordinary: bool = False, allowed_special: Any = None,
            disallowed_special: Any = None, custom: dict[str, Any] | None = None) -> list[Any]:
        """Per text: the ids tiktoken gives, or {"error": message}. ``custom`` (base, pat_str, special_tokens)
        defines the encoding from a bundled one's ranks the first time its name is used."""
        req: dict[str, Any] = {"encoding": encoding, "texts": texts, "ordinary": ordinary}
        if custom is not None:
            req["custom"] = custom
        if allowed_special is not None:
            req["allowed_special"] = allowed_special if allowed_special == "all" else sorted(allowed_special)
        if disallowed_special is not None:
            req["disallowed_special"] = disallowed_special if disallowed_special == "all" else sorted(disallowed_special)
        line = json.dumps(req)  # ensure_ascii: lone surrogates travel as \\udxxx escapes, as JS strings hold them
        with self._lock:
            if line in self._cache:
                return self._cache[line]
            assert self._proc.stdin and self._proc.stdout
            self._proc.stdin.write(line + "\n")
            self._proc.stdin.flush()
            reply = self._proc.stdout.readline()
            if not reply:
                raise RuntimeError("the node oracle exited")
            out = json.loads(reply)
            if len(line) < 4096:
                self._cache[line] = out
            return out

    def encode_ordinary(self, encoding: str, text: str) -> list[int]:
        return self.ask(encoding, [text], ordinary=True)[0]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)
