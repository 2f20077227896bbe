"""Normalization kernels vs numpy, single thread, in one run: GB/s (bytes read + written) and ratios.

    python3 build.py bench bench/normalize.py      (or: PYTHONPATH=python /usr/bin/python3 bench/normalize.py)

For each kernel: numpy's naive formula (temporaries allocated), numpy tuned (preallocated outputs, in-place ufuncs),
aotml (out= preallocated), and np.copyto of the same bytes as the memory-bandwidth reference. Writes its section of
bench/RESULTS.md.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy's ufuncs are single-threaded; keep BLAS so too

import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import timeit  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402

import aotml  # noqa: E402
from aotml import _backend  # noqa: E402

REPEAT = int(os.environ.get("AOTML_BENCH_REPEAT", "7"))


def best(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def l2_cases(x, out):
    tmp, norms = np.empty_like(x), np.empty((x.shape[0], 1), x.dtype)

    def naive():
        return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)

    def tuned():
        np.einsum("ij,ij->i", x, x, out=norms[:, 0])
        np.sqrt(norms, out=norms)
        np.maximum(norms, 1e-12, out=norms)
        np.divide(x, norms, out=out)
    return naive, tuned, lambda: aotml.l2_normalize(x, out=out)


def softmax_cases(x, out):
    m = np.empty((x.shape[0], 1), x.dtype)
    s = np.empty_like(m)

    def naive():
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def tuned():
        np.max(x, axis=-1, keepdims=True, out=m)
        np.subtract(x, m, out=out)
        np.exp(out, out=out)
        np.sum(out, axis=-1, keepdims=True, out=s)
        np.divide(out, s, out=out)
    return naive, tuned, lambda: aotml.softmax(x, out=out)


def standardize_cases(x, out):
    mean = np.empty((1, x.shape[1]), x.dtype)
    std = np.empty_like(mean)

    def naive():
        return (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), 1e-12)

    def tuned():
        np.mean(x, axis=0, keepdims=True, out=mean)
        np.subtract(x, mean, out=out)
        np.multiply(out, out, out=out)
        np.mean(out, axis=0, keepdims=True, out=std)
        np.sqrt(std, out=std)
        np.maximum(std, 1e-12, out=std)
        np.subtract(x, mean, out=out)
        np.divide(out, std, out=out)
    return naive, tuned, lambda: aotml.standardize(x, axis=0, out=out)


def standardize_rows_cases(x, out):
    mean = np.empty((x.shape[0], 1), x.dtype)
    std = np.empty_like(mean)

    def naive():
        return (x - x.mean(axis=-1, keepdims=True)) / np.maximum(x.std(axis=-1, keepdims=True), 1e-12)

    def tuned():
        np.mean(x, axis=-1, keepdims=True, out=mean)
        np.subtract(x, mean, out=out)
        np.einsum("ij,ij->i", out, out, out=std[:, 0])
        np.divide(std, x.shape[1], out=std)
        np.sqrt(std, out=std)
        np.maximum(std, 1e-12, out=std)
        np.divide(out, std, out=out)
    return naive, tuned, lambda: aotml.standardize(x, axis=-1, out=out)


def minmax_cases(x, out):
    def naive():
        mn, mx = x.min(), x.max()
        return (x - mn) / (mx - mn)

    def tuned():
        mn, mx = x.min(), x.max()
        np.subtract(x, mn, out=out)
        np.multiply(out, 1.0 / (mx - mn), out=out)
    return naive, tuned, lambda: aotml.minmax_scale(x, out=out)


def layer_norm_cases(x, out):
    w = np.random.default_rng(1).standard_normal(x.shape[1]).astype(x.dtype)
    b = np.random.default_rng(2).standard_normal(x.shape[1]).astype(x.dtype)
    m = np.empty((x.shape[0], 1), x.dtype)
    v = np.empty_like(m)

    def naive():
        mu = x.mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * w + b

    def tuned():
        np.mean(x, axis=-1, keepdims=True, out=m)
        np.subtract(x, m, out=out)
        np.einsum("ij,ij->i", out, out, out=v[:, 0])
        np.divide(v, x.shape[1], out=v)
        np.add(v, 1e-5, out=v)
        np.sqrt(v, out=v)
        np.divide(out, v, out=out)
        np.multiply(out, w, out=out)
        np.add(out, b, out=out)
    return naive, tuned, lambda: aotml.layer_norm(x, w, b, out=out)


CASES = [
    ("l2_normalize", (100_000, 384), l2_cases),
    ("softmax", (10_000, 1000), softmax_cases),
    ("standardize (axis=0)", (100_000, 384), standardize_cases),
    ("standardize (axis=-1)", (100_000, 384), standardize_rows_cases),
    ("standardize (one row)", (1, 10_000_000), standardize_rows_cases),
    ("minmax_scale (axis=None)", (10_000_000,), minmax_cases),
    ("layer_norm", (100_000, 384), layer_norm_cases),
]


def overhead_us(name: str) -> float:
    _backend.select(name)
    x = np.ones(8, np.float32)
    out = np.empty_like(x)
    n = 200_000 if name == "ext" else 20_000
    t = min(timeit.repeat(lambda: aotml.l2_normalize(x, out=out), number=n, repeat=5)) / n
    return t * 1e6


def raw_overhead_us(name: str) -> float:
    _backend.select(name)
    impl = _backend.impl
    x = np.ones(8, np.float32)
    out = np.empty_like(x)
    n = 200_000 if name == "ext" else 20_000
    return min(timeit.repeat(lambda: impl.l2_normalize(x, out, -1, 1e-12), number=n, repeat=5)) / n * 1e6


def main() -> None:
    _backend.select("ext")
    rows = []
    for name, shape, make in CASES:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        out = np.empty_like(x)
        dst = np.empty_like(x)
        naive, tuned, ours = make(x, out)
        gb = 2 * x.nbytes / 1e9
        t_copy = best(lambda: np.copyto(dst, x))
        t_naive, t_tuned, t_ours = best(naive), best(tuned), best(ours)
        rows.append((name, shape, gb / t_ours, gb / t_naive, gb / t_tuned, gb / t_copy,
                     t_naive / t_ours, t_tuned / t_ours, t_copy / t_ours))
    ov = {b: (overhead_us(b), raw_overhead_us(b)) for b in ("ext", "ctypes")}
    _backend.select("ext")

    lines = ["Single thread, float32. GB/s counts bytes read + written (2 × the array). Ratios > 1 mean aotml is",
             "faster; `% of copy` is aotml's time against np.copyto of the same bytes (the bandwidth ceiling).",
             "", "| kernel | shape | aotml GB/s | numpy naive GB/s | numpy tuned GB/s | copy GB/s | × naive | × tuned | % of copy |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, shape, a, n, t, c, rn, rt, rc in rows:
        lines.append(f"| {name} | {'×'.join(map(str, shape))} | {a:.1f} | {n:.1f} | {t:.1f} | {c:.1f} | "
                     f"{rn:.2f} | {rt:.2f} | {rc * 100:.0f} % |")
    lines += ["", "Per-call overhead, 8 floats (`l2_normalize(x, out=out)`; `raw` = the private backend call alone):", "",
              "| backend | public call µs | raw call µs |", "|---|---|---|"]
    for b, (pub, raw) in ov.items():
        lines.append(f"| {b} | {pub:.2f} | {raw:.2f} |")
    text = "\n".join(lines)
    print(text)
    results.write_section("normalize", f"Normalization kernels (`bench/normalize.py`, {platform.processor() or platform.machine()}, "
                          f"numpy {np.__version__})", text)


if __name__ == "__main__":
    main()
