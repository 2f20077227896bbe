"""Embedding a corpus on a Dask cluster: the embedder pickles by content (model bytes, tokenizer.json, settings), so
it is scattered to the workers once and each worker process embeds its chunks with the engine's own threads.

    python3 examples/dask_embeddings.py [model_dir]    (model.onnx + tokenizer.json; default: all-MiniLM-L6-v2)

Needs `distributed` (Debian python3-distributed). Prints the shape, the time and the largest difference from
embedding the same texts in this process.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from distributed import Client, LocalCluster

import aotml

DEFAULT = Path(__file__).resolve().parent.parent / "build" / "material" / "all-MiniLM-L6-v2"


def embed_chunk(embedder: aotml.TextEmbedder, texts: list[str]) -> np.ndarray:
    return embedder.embed(texts, batch_size=32, num_threads=1)


def main() -> None:
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    embedder = aotml.TextEmbedder.from_directory(model_dir, max_length=128)
    words = "cluster worker vector model token sentence batch engine thread memory".split()
    texts = [" ".join(words[(i * 7 + k) % len(words)] for k in range(3 + i % 20)) for i in range(800)]
    chunks = [texts[i:i + 100] for i in range(0, len(texts), 100)]

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = client.scatter(embedder, broadcast=True)  # pickled once per worker, by content
        start = time.perf_counter()
        parts = client.gather(client.map(embed_chunk, [remote] * len(chunks), chunks))
        took = time.perf_counter() - start
    vectors = np.concatenate(parts)
    local = embedder.embed(texts, batch_size=32, num_threads=2)
    print(f"dask: {vectors.shape[0]} texts -> {vectors.shape} float32 on 2 workers in {took:.2f} s")
    print(f"max abs difference from this process: {np.abs(vectors - local).max():.2e}")


if __name__ == "__main__":
    main()
