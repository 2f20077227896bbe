"""Reference sentence embeddings from Hugging Face `tokenizers` (npm) + onnxruntime-node, pooled and normalized in
float64 by embed_oracle.mjs: one node process per call, JSON on stdin and stdout."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

import numpy as np

HERE = Path(__file__).resolve().parent


def embed(npm_modules: Path, model: Path, tokenizer: Path, texts: Sequence[str], max_length: int = 256,
          pooling: str = "mean", normalize: bool = True, batch_size: int = 16) -> tuple[np.ndarray, list[int]]:
    """(vectors [len(texts), dim] float64, token count per text)."""
    vectors, lengths, _ = embed_timed(npm_modules, model, tokenizer, texts, max_length, pooling, normalize, batch_size)
    return vectors, lengths


def embed_timed(npm_modules: Path, model: Path, tokenizer: Path, texts: Sequence[str], max_length: int = 256,
                pooling: str = "mean", normalize: bool = True, batch_size: int = 16, intra_op_threads: int = 1,
                repeat: int = 1) -> tuple[np.ndarray, list[int], float]:
    """As embed, plus the best wall time in seconds of one pass over the texts inside node (start-up and model load
    excluded), for the benchmark."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed")
    request = {"npm_modules": str(npm_modules), "model": str(model), "tokenizer": str(tokenizer), "texts": list(texts),
               "max_length": max_length, "pooling": pooling, "normalize": normalize, "batch_size": batch_size,
               "intra_op_threads": intra_op_threads, "repeat": repeat}
    done = subprocess.run([node, str(HERE / "embed_oracle.mjs")], input=json.dumps(request), capture_output=True,
                          text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"embed_oracle.mjs failed: {done.stderr[-3000:]}")
    result = json.loads(done.stdout)
    vectors = np.array(result["vectors"], np.float64).reshape(len(texts), result["dimension"])
    return vectors, result["lengths"], float(result["seconds"])
