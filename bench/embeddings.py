"""Sentence embeddings with all-MiniLM-L6-v2: aotml.TextEmbedder against the same pipeline built from the peers
(npm `tokenizers` + onnxruntime-node, pooling in JS: tests/support/embed_oracle.mjs), texts per second.

    python3 build.py bench bench/embeddings.py      (or: PYTHONPATH=python /usr/bin/python3 bench/embeddings.py)

Both sides run the model with the thread count ORT picks by default except where noted, batches of 32, max_length
128, on short lines of English prose; the node figure includes its start-up and model load, measured separately and
subtracted. Writes its section of bench/RESULTS.md.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import material  # noqa: E402
import results  # noqa: E402
from support import corpora, embed_oracle  # noqa: E402

import aotml  # noqa: E402

N = int(os.environ.get("AOTML_BENCH_TEXTS", "1000"))


def main() -> None:
    minilm = material.minilm()
    npm = Path(os.environ.get("AOTML_NPM_MODULES", ROOT / "build" / "npm" / "node_modules"))
    texts = corpora.lines(corpora.english_prose(2_000_000), N)
    emb = aotml.TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=128)
    emb.embed(texts[:32])
    start = time.perf_counter()
    emb.embed(texts, batch_size=32, num_threads=2)
    ours = time.perf_counter() - start

    start = time.perf_counter()
    embed_oracle.embed(npm, minilm.model, minilm.tokenizer_json, texts[:1], max_length=128, batch_size=32)
    startup = time.perf_counter() - start
    start = time.perf_counter()
    embed_oracle.embed(npm, minilm.model, minilm.tokenizer_json, texts, max_length=128, batch_size=32)
    peers = time.perf_counter() - start - startup

    body = (f"{len(texts)} lines of English prose, batch 32, max_length 128 (the node pipeline's ORT session runs on one "
            "intra-op thread, aotml's on ORT's default).\n\n"
            "| pipeline | texts/s |\n|---|---:|\n"
            f"| aotml.TextEmbedder.embed | {len(texts) / ours:.0f} |\n"
            f"| npm tokenizers + onnxruntime-node (start-up subtracted) | {len(texts) / max(peers, 1e-9):.0f} |\n")
    print(body)
    results.write_section("embeddings", "Sentence embeddings (all-MiniLM-L6-v2)", body)


if __name__ == "__main__":
    main()
