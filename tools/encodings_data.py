"""Build step: the bundled tiktoken encodings, from the pinned npm tarball to python/aotml/_data/.

The npm package tiktoken@1.0.22 ships each encoding as encoders/<name>.json with pat_str, special_tokens,
explicit_n_vocab and bpe_ranks (lines "! <first rank> <base64 token> <base64 token> ...", ranks consecutive
from the first). build.py fetches the tarball and checks it against TARBALL_SHA256; this module then writes:

- <ranks>.tkb: the mergeable ranks in aotml's compact binary format (see RankFiles.cs), one file per distinct
  rank table (gpt2 shares r50k_base's, p50k_edit shares p50k_base's). Loading is a few memcpys.
- encodings.json: name -> pat_str, special_tokens, explicit_n_vocab, ranks file.

o200k_harmony (tiktoken 0.14, for gpt-oss) is not in the npm package: it is o200k_base's ranks and pattern with
the harmony chat-format special tokens, written here as tiktoken_ext/openai_public.py defines them.

Run by `python3 build.py develop | wheel` (prepare_data).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import tarfile
from pathlib import Path

NPM_PACKAGE = "tiktoken"
NPM_VERSION = "1.0.22"
TARBALL_SHA256 = "55c339e756fdb17604f7c7e3eb35d2bcbffe4d960e8096e50285d1cefa51dd90"
ENCODINGS = ("gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base")
MAGIC = b"AOTMLBPE"


def harmony_special_tokens(o200k_special: dict[str, int]) -> dict[str, int]:
    """o200k_harmony's special tokens: o200k_base's, the chat-format ones, and reserved ids up to 201087."""
    named = {"<|startoftext|>": 199998, "<|endoftext|>": 199999, "<|return|>": 200002, "<|constrain|>": 200003,
             "<|channel|>": 200005, "<|start|>": 200006, "<|end|>": 200007, "<|message|>": 200008,
             "<|call|>": 200012}
    by_id = {v: k for k, v in named.items()}
    out = dict(o200k_special)
    out.update(named)
    # Every id from 200000 to 201087 not named above is a placeholder "<|reserved_ID|>".
    for i in range(200000, 201088):
        if i not in by_id:
            out[f"<|reserved_{i}|>"] = i
    return out


def parse_bpe_ranks(text: str) -> list[tuple[bytes, int]]:
    """Decodes npm tiktoken's bpe_ranks string into (token bytes, rank) pairs."""
    out: list[tuple[bytes, int]] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) < 2 or not parts[1].isdigit():
            raise ValueError(f"bpe_ranks line {lineno}: expected '! <rank> <tokens...>'")
        first = int(parts[1])
        out.extend((base64.b64decode(tok, validate=True), first + i) for i, tok in enumerate(parts[2:]))
    return out


def compact(ranks: list[tuple[bytes, int]]) -> bytes:
    """The compact binary rank file (format in csharp/Aotml.Core/Tiktoken/RankFiles.cs)."""
    blob = b"".join(tok for tok, _ in ranks)
    offsets = [0]
    for tok, _ in ranks:
        offsets.append(offsets[-1] + len(tok))
    n = len(ranks)
    return b"".join([
        MAGIC,
        struct.pack("<IIII", 1, n, len(blob), 0),
        struct.pack(f"<{n}I", *(r for _, r in ranks)),
        struct.pack(f"<{n + 1}I", *offsets),
        blob,
    ])


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def build(out_dir: Path, tarball: Path) -> list[Path]:
    """Writes the bundled encodings from the verified npm tarball into out_dir; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        def member(name: str) -> bytes:
            f = tar.extractfile(f"package/{name}")
            assert f is not None, name
            return f.read()

        meta: dict[str, dict] = {}
        files: dict[str, str] = {}  # sha256 of the compact bytes -> file name
        written: list[Path] = []
        for name in ENCODINGS:
            spec = json.loads(member(f"encoders/{name}.json"))
            data = compact(parse_bpe_ranks(spec["bpe_ranks"]))
            digest = hashlib.sha256(data).hexdigest()
            if digest not in files:
                files[digest] = f"{name}.tkb"
                path = out_dir / files[digest]
                _write_if_changed(path, data)
                written.append(path)
            meta[name] = {
                "pat_str": spec["pat_str"],
                "special_tokens": spec["special_tokens"],
                "explicit_n_vocab": spec.get("explicit_n_vocab"),
                "ranks": files[digest],
            }
    meta["o200k_harmony"] = {**meta["o200k_base"],
                             "special_tokens": harmony_special_tokens(meta["o200k_base"]["special_tokens"])}
    index = {
        "source": f"npm {NPM_PACKAGE}@{NPM_VERSION} (sha256 {TARBALL_SHA256}); o200k_harmony derived from o200k_base",
        "encodings": meta,
    }
    path = out_dir / "encodings.json"
    _write_if_changed(path, json.dumps(index, indent=1, sort_keys=True).encode())
    written.append(path)
    return written

