#!/usr/bin/env python3
"""tokenizer.json benchmark: aotml.tokenizers vs Hugging Face tokenizers 0.23.2 (npm `tokenizers`, its Rust core
through the Node addon), the same lines, per real tokenizer and corpus.

Measures: MB/s of UTF-8 input single thread (HF: encodeBatch with RAYON_NUM_THREADS=1) and encode_batch on 2
threads (HF: RAYON_NUM_THREADS=2); the time to load each tokenizer.json; the per-call time of encode() on a short
sentence. Writes its section of bench/RESULTS.md with the ratios (> 1: aotml is faster).

Run: PYTHONPATH=python /usr/bin/python3 bench/tokenizers.py [--quick]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/tokenize.py would shadow the standard library's tokenize (imported by inspect): keep bench/ off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
import importlib.util  # noqa: E402

import material  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_results", ROOT / "bench" / "results.py")
results = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(results)  # type: ignore[union-attr]
from support.corpora import english_prose, lines, manpages, source_code  # noqa: E402

import aotml.tokenizers as tk  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import dotnet_peers  # noqa: E402

NPM = Path(os.environ.get("AOTML_NPM_MODULES", ROOT / "build" / "npm" / "node_modules"))
NAMES = ["all-MiniLM-L6-v2", "llama3", "llama2", "deepseek_v3"]
SHORT = "The quick brown fox jumps over the lazy dog."
REPEAT = 3

# The HF side: one node process per (tokenizer, thread count); times in seconds, best of REPEAT.
NODE = r"""
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
const spec = JSON.parse(fs.readFileSync(0, "utf8"));
const require = createRequire(path.join(spec.npm, "noop.js"));
const { Tokenizer } = require("tokenizers");
let t = process.hrtime.bigint();
const tok = Tokenizer.fromFile(spec.path);
const load = Number(process.hrtime.bigint() - t) / 1e9;
const out = { load, corpora: {} };
for (const [name, texts] of Object.entries(spec.corpora)) {
  await tok.encodeBatch(texts.slice(0, 10));
  let best = Infinity;
  for (let r = 0; r < spec.repeat; r++) {
    t = process.hrtime.bigint();
    await tok.encodeBatch(texts);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  out.corpora[name] = best;
}
const n = 2000;
t = process.hrtime.bigint();
for (let i = 0; i < n; i++) await tok.encode(spec.short);
out.short = Number(process.hrtime.bigint() - t) / 1e9 / n;
process.stdout.write(JSON.stringify(out));
"""


def best(fn, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    b = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        b = min(b, time.perf_counter() - t)
    return b


def corpora(quick: bool) -> dict[str, list[str]]:
    budget = 200_000 if quick else 1_000_000
    multi = [t for lang in ("de", "fr", "ja", "ru", "zh_CN") for t in manpages(lang, budget // 5)]
    return {"English prose": lines(english_prose(budget), 10**6), "source code": lines(source_code(budget), 10**6),
            "multilingual": lines(multi, 10**6)}


def hf(path: Path, texts: dict[str, list[str]], threads: int) -> dict:  # type: ignore[type-arg]
    with tempfile.NamedTemporaryFile("w", suffix=".mjs", delete=False) as f:
        f.write(NODE)
    try:
        spec = {"npm": str(NPM), "path": str(path), "corpora": texts, "short": SHORT, "repeat": REPEAT}
        env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}
        out = subprocess.run(["node", f.name], input=json.dumps(spec).encode(), capture_output=True, check=True,
                             env=env, timeout=3600)
        return json.loads(out.stdout)  # type: ignore[no-any-return]
    finally:
        os.unlink(f.name)


def ours(path: Path, texts: dict[str, list[str]]) -> dict:  # type: ignore[type-arg]
    t = time.perf_counter()
    tok = tk.Tokenizer.from_file(path)
    load = time.perf_counter() - t
    out: dict = {"load": load, "t1": {}, "t2": {}, "ids1": {}}  # type: ignore[type-arg]
    for name, batch in texts.items():
        tok.encode_batch(batch[:10])
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        out["t1"][name] = best(lambda: tok.encode_batch(batch))
        # Ids only, ragged (no padding): no offsets, masks, word ids or token strings.
        out["ids1"][name] = best(lambda: tok.encode_batch_ids(batch, num_threads=1))
        os.environ["TOKENIZERS_PARALLELISM"] = "true"
        for _ in range(3):   # the worker thread's word cache, handed from call to call, fills over a few calls
            _two_threads(tok, batch)
        out["t2"][name] = best(lambda: _two_threads(tok, batch))
    n = 20_000

    def short() -> None:
        for _ in range(n):
            tok.encode(SHORT)
    out["short"] = best(short) / n
    return out


def dotnet(name: str, texts: dict[str, list[str]]) -> dict[str, dict]:  # type: ignore[type-arg]
    """Microsoft.ML.Tokenizers on the same lines (bench/dotnet_peers.py): per corpus its result, or {} when dotnet is
    missing. BERT loads from the vocab.txt (BertTokenizer), the others from the tokenizer.json (BpeTokenizer)."""
    if not dotnet_peers.available():
        return {}
    if name == "all-MiniLM-L6-v2":
        job = {"kind": "bert", "file": str(material.tokenizer_json(name).parent / "vocab.txt")}
    else:
        job = {"kind": "tokenizer_json", "file": str(material.tokenizer_json(name)), "loader": "auto"}
    jobs = [{**job, "lines": batch, "threads": [1, 2], "repeat": REPEAT} for batch in texts.values()]
    return dict(zip(texts, dotnet_peers.run({"jobs": jobs})["results"]))


def _two_threads(tok: tk.Tokenizer, batch: list[str]) -> None:
    from aotml.tokenizers import _tokenizer
    saved = _tokenizer._threads
    _tokenizer._threads = lambda: 2  # type: ignore[assignment]
    try:
        tok.encode_batch(batch)
    finally:
        _tokenizer._threads = saved  # type: ignore[assignment]


def main() -> None:
    quick = "--quick" in sys.argv
    texts = corpora(quick)
    mb = {k: sum(len(t.encode()) for t in v) / 1e6 for k, v in texts.items()}
    rows, load_rows, ids_rows, ms_rows = [], [], [], []
    for name in NAMES:
        path = material.tokenizer_json(name)
        a = ours(path, texts)
        h1, h2 = hf(path, texts, 1), hf(path, texts, 2)
        ms = dotnet(name, texts)
        for c in texts:
            a1, a2 = mb[c] / a["t1"][c], mb[c] / a["t2"][c]
            b1, b2 = mb[c] / h1["corpora"][c], mb[c] / h2["corpora"][c]
            rows.append(f"| {name} | {c} | {a1:.1f} | {b1:.1f} | {a1 / b1:.2f} | {a2:.1f} | {a2 / a1:.2f} | {b2:.1f} | "
                        f"{a2 / b2:.2f} |")
            i1 = mb[c] / a["ids1"][c]
            if c in ms and "error" not in ms[c]:
                m1, m2 = mb[c] / ms[c]["timings"]["tokens_1"], mb[c] / ms[c]["timings"]["tokens_2"]
                mi = mb[c] / ms[c]["timings"]["ids_1"]
                ms_rows.append(f"| {name} | {c} | {a1:.1f} | {m1:.1f} | {a1 / m1:.2f} | {i1:.1f} | {mi:.1f} | "
                               f"{i1 / mi:.2f} | {a2:.1f} | {m2:.1f} | {a2 / m2:.2f} | {ms[c]['tokenizer']} |")
            elif c in ms:
                ms_rows.append(f"| {name} | {c} | {a1:.1f} | cannot load | | | | | | | | {ms[c]['error'][:60]} |")
            ids_rows.append(f"| {name} | {c} | {i1:.1f} | {a1:.1f} | {100 * (a['t1'][c] / a['ids1'][c] - 1):+.0f} % |")
        load_rows.append(f"| {name} | {a['load'] * 1e3:.0f} | {h1['load'] * 1e3:.0f} | {h1['load'] / a['load']:.2f} | "
                         f"{a['short'] * 1e6:.1f} | {h1['short'] * 1e6:.1f} | {h1['short'] / a['short']:.2f} |")
        print(rows[-3:], load_rows[-1], flush=True)
    body = (
        f"Lines of the test corpora ({', '.join(f'{k} {v:.1f} MB' for k, v in mb.items())}), encode_batch with "
        "offsets and token strings (aotml) vs `encodeBatch` of npm `tokenizers` 0.23.2 (HF's Rust core); MB/s of "
        "UTF-8 input, best of 3; ratio > 1: aotml is faster. HF's threads set by RAYON_NUM_THREADS.\n\n"
        "| tokenizer | corpus | aotml 1T MB/s | HF 1T MB/s | × | aotml 2T MB/s | aotml 2T / 1T | HF 2T MB/s | × |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Loading tokenizer.json, and one `encode` of a {len(SHORT)}-character sentence (aotml: best of 3 runs of 20,000 calls; HF: an awaited call from JS):\n\n"
        "| tokenizer | aotml load ms | HF load ms | × | aotml encode µs | HF encode µs | × |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(load_rows) + "\n\n"
        "What offsets cost, one thread: `encode_batch_ids` (ragged ids, nothing else computed) against `encode_batch` "
        "(every column of every Encoding):\n\n"
        "| tokenizer | corpus | ids only MB/s | with offsets MB/s | offsets cost |\n"
        "|---|---|---|---|---|\n" + "\n".join(ids_rows) + "\n\n"
        "Against Microsoft.ML.Tokenizers 2.0.1 (bench/dotnet_peers.py; its `EncodeToTokens`, ids + offsets, and "
        "`EncodeToIds`; 2 threads: Parallel.For over the lines), same lines; aotml: encode_batch (with offsets) and "
        "encode_batch_ids (ids). Its BERT drops some characters and its llama2 has no byte fallback, so its work "
        "is not always the same as HF's:\n\n"
        "| tokenizer | corpus | aotml 1T | MS tokens 1T | × | aotml ids 1T | MS ids 1T | × | aotml 2T | MS tokens 2T | × | "
        "loaded as |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(ms_rows) + "\n")
    results.write_section("tokenizers", "tokenizer.json tokenizers (`bench/tokenizers.py`)", body)


if __name__ == "__main__":
    main()
