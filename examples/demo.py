"""A short tour of aotml, run by `python3 build.py demo` from the installed wheel."""
from __future__ import annotations

import numpy as np

import aotml

print(f"aotml {aotml.__version__} (backend: {aotml.backend()}, ONNX Runtime {aotml.ort_version()})")

# Normalization kernels: numpy in, numpy out, GIL released, no copies of the input.
emb = np.random.default_rng(0).standard_normal((4, 384)).astype(np.float32)
unit = aotml.l2_normalize(emb)
print("l2_normalize: row norms", np.round(np.linalg.norm(unit, axis=1), 6))
logits = np.array([[2.0, 1.0, 0.1], [1000.0, 1001.0, 1002.0]], dtype=np.float32)
print("softmax (stable for large logits):\n", np.round(aotml.softmax(logits), 4))
print("layer_norm row means ~0:", np.round(aotml.layer_norm(emb).mean(axis=1), 6))
aotml.minmax_scale(emb, axis=None, out=emb)  # in place
print(f"minmax_scale in place: min={emb.min():.3f} max={emb.max():.3f}")
try:
    aotml.softmax(np.arange(6, dtype=np.int64))
except aotml.InvalidArgument as e:  # also a ValueError
    print("clear errors:", e)
