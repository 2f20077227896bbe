"""Normalization kernels against numpy's reference formulas, on both backends."""
from __future__ import annotations

import array
import functools
import itertools

import numpy as np
import pytest

import aotml

RTOL = {np.float32: 1e-5, np.float64: 1e-12}
ATOL = {np.float32: 1e-6, np.float64: 1e-12}
DTYPES = [np.float32, np.float64]
SHAPES = [(7,), (3, 5), (4, 6, 8), (2, 3, 4, 5), (1, 384), (64, 1)]


def ref_l2(x, axis, eps=1e-12):
    x = x.astype(np.float64)
    return x / np.maximum(np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), eps)


def ref_minmax(x, axis, lo=0.0, hi=1.0):
    x = x.astype(np.float64)
    mn, mx = np.min(x, axis=axis, keepdims=True), np.max(x, axis=axis, keepdims=True)
    rng = mx - mn
    scale = np.where(rng == 0, 1.0, (hi - lo) / np.where(rng == 0, 1.0, rng))
    return (x - mn) * scale + lo


def ref_standardize(x, axis, eps=1e-12, ddof=0):
    x = x.astype(np.float64)
    mean = np.mean(x, axis=axis, keepdims=True)
    std = np.sqrt(np.sum((x - mean) ** 2, axis=axis, keepdims=True) / (x.shape[axis] - ddof))
    return (x - mean) / np.maximum(std, eps)


def ref_softmax(x, axis):
    x = x.astype(np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def ref_log_softmax(x, axis):
    x = x.astype(np.float64)
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def ref_layer_norm(x, w=None, b=None, eps=1e-5):
    x = x.astype(np.float64)
    y = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


KERNELS = {
    "l2_normalize": (aotml.l2_normalize, ref_l2),
    "minmax_scale": (aotml.minmax_scale, ref_minmax),
    "standardize": (aotml.standardize, ref_standardize),
    "softmax": (aotml.softmax, ref_softmax),
    "log_softmax": (aotml.log_softmax, ref_log_softmax),
}


def close(actual, expected, dtype):
    assert actual.dtype == dtype
    np.testing.assert_allclose(actual, expected.astype(dtype), rtol=RTOL[dtype], atol=ATOL[dtype], equal_nan=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", list(KERNELS))
def test_every_axis_matches_numpy(backend, name, shape, dtype):
    fn, ref = KERNELS[name]
    rng = np.random.default_rng(hash((name, shape)) % 2**32)
    x = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    before = x.copy()
    for axis in range(-len(shape), len(shape)):
        close(fn(x, axis=axis), ref(x, axis), dtype)
    assert np.array_equal(x, before), "the input must not change"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_minmax_whole_array_and_feature_range(backend, shape, dtype):
    x = np.random.default_rng(1).uniform(-5, 9, shape).astype(dtype)
    close(aotml.minmax_scale(x), ref_minmax(x, None), dtype)
    close(aotml.minmax_scale(x, axis=0, feature_range=(-1, 2)), ref_minmax(x, 0, -1.0, 2.0), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_standardize_ddof_and_large_offset(backend, dtype):
    # A large common offset cancels catastrophically in E[x²] - E[x]²; the blocked two-pass statistics must not.
    # In float32 the offset alone costs ~1e-4 (the mean's rounding), so there the bar is numpy's own float32 result.
    x = (np.random.default_rng(2).standard_normal((5000, 17)) + 1000.0).astype(dtype)
    rows = x[:50].copy()
    cases = [(aotml.standardize(x), ref_standardize(x, 0), (x - x.mean(0)) / x.std(0)),
             (aotml.standardize(rows, axis=1, ddof=1), ref_standardize(rows, 1, ddof=1),
              (rows - rows.mean(1, keepdims=True)) / rows.std(1, ddof=1, keepdims=True))]
    for ours, exact, numpy_same_dtype in cases:
        if dtype == np.float64:
            np.testing.assert_allclose(ours, exact, rtol=1e-9, atol=1e-9)
        else:
            assert np.abs(ours - exact).max() <= 1.5 * np.abs(numpy_same_dtype - exact).max() + 1e-6


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_layer_norm(backend, dtype, affine):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4, 32)).astype(dtype)
    w = rng.standard_normal(32).astype(dtype) if affine in ("weight", "both") else None
    b = rng.standard_normal(32).astype(dtype) if affine in ("bias", "both") else None
    close(aotml.layer_norm(x, w, b, eps=1e-5), ref_layer_norm(x, w, b, 1e-5), dtype)


def test_softmax_is_stable_for_large_inputs(backend):
    x = np.array([[1000.0, 1001.0, 1002.0], [-1e30, 0.0, 1e30]], dtype=np.float32)
    close(aotml.softmax(x), ref_softmax(x, -1), np.float32)
    close(aotml.log_softmax(x), ref_log_softmax(x, -1), np.float32)


@pytest.mark.parametrize("name", list(KERNELS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_and_inf_follow_the_reference_formulas(backend, name, dtype):
    fn, ref = KERNELS[name]
    x = np.array([[1.0, np.nan, 2.0, 3.0], [1.0, np.inf, 2.0, 3.0], [-np.inf, 0.0, 1.0, 2.0],
                  [1.0, 2.0, 3.0, 4.0]], dtype=dtype)
    with np.errstate(all="ignore"):
        expected = ref(x, -1)
    close(fn(x, axis=-1), expected, dtype)


def test_nan_poisons_the_whole_slice_in_minmax(backend):
    x = np.arange(10, dtype=np.float32)
    x[4] = np.nan
    assert np.isnan(aotml.minmax_scale(x)).all()


@pytest.mark.parametrize("name", list(KERNELS))
@pytest.mark.parametrize("shape", [(0,), (0, 5), (5, 0), (3, 0, 2)])
def test_empty_arrays(backend, name, shape):
    fn, _ = KERNELS[name]
    x = np.zeros(shape, np.float32)
    y = fn(x, axis=-1)
    assert y.shape == shape and y.dtype == np.float32
    assert aotml.layer_norm(x).shape == shape


@pytest.mark.parametrize("dtype", DTYPES)
def test_single_elements(backend, dtype):
    x = np.array([3.0], dtype=dtype)
    assert aotml.l2_normalize(x)[0] == 1.0
    assert aotml.softmax(x)[0] == 1.0
    assert aotml.log_softmax(x)[0] == 0.0
    assert aotml.minmax_scale(x)[0] == 0.0  # a constant slice maps to the low end
    assert aotml.standardize(x)[0] == 0.0
    assert aotml.layer_norm(x)[0] == 0.0


@pytest.mark.parametrize("name", list(KERNELS))
def test_out_in_place_and_preallocated(backend, name):
    fn, ref = KERNELS[name]
    x = np.random.default_rng(4).standard_normal((8, 16)).astype(np.float32)
    expected = ref(x, -1)
    out = np.empty_like(x)
    assert fn(x, axis=-1, out=out) is out
    close(out, expected, np.float32)
    assert fn(x, axis=-1, out=x) is x
    close(x, expected, np.float32)


def test_other_buffer_protocol_objects(backend):
    values = [3.0, 4.0, 0.0, 5.0]
    a = array.array("f", values)
    np.testing.assert_allclose(aotml.l2_normalize(a), np.array(values) / np.linalg.norm(values), rtol=1e-6)
    m = memoryview(array.array("d", values))
    np.testing.assert_allclose(aotml.softmax(m), ref_softmax(np.array(values), -1), rtol=1e-12)
    raw = bytearray(np.array(values, np.float32).tobytes())
    view = memoryview(raw).cast("f", (2, 2))
    aotml.minmax_scale(view, axis=1, out=view)  # in place through a memoryview of a bytearray
    np.testing.assert_allclose(np.frombuffer(raw, np.float32).reshape(2, 2), [[0, 1], [0, 1]])


def test_non_contiguous_input_raises_and_names_the_remedy(backend):
    x = np.random.default_rng(5).standard_normal((6, 8)).astype(np.float32)
    with pytest.raises(aotml.InvalidArgument, match="ascontiguousarray"):
        aotml.softmax(x.T)
    with pytest.raises(ValueError, match="not C-contiguous"):
        aotml.l2_normalize(x[:, ::2])


ERROR_CASES = [
    ("int input", lambda x: aotml.softmax(x.astype(np.int32)), aotml.InvalidArgument, "dtype int32"),
    ("float16 input", lambda x: aotml.softmax(x.astype(np.float16)), aotml.InvalidArgument, "dtype float16"),
    ("read-only out", lambda x: aotml.softmax(x, out=_readonly(x)), aotml.InvalidArgument, "read-only"),
    ("non-contiguous out", lambda x: aotml.softmax(x, out=np.empty((8, 6), np.float32).T),
     aotml.InvalidArgument, "out is not C-contiguous"),
    ("out shape", lambda x: aotml.softmax(x, out=np.empty((6, 7), np.float32)), aotml.InvalidArgument,
     r"out has shape \(6, 7\), expected \(6, 8\)"),
    ("out dtype", lambda x: aotml.softmax(x, out=np.empty((6, 8), np.float64)), aotml.InvalidArgument,
     "out has dtype float64, expected float32"),
    ("axis", lambda x: aotml.softmax(x, axis=2), aotml.InvalidArgument, "axis 2 is out of bounds for array of dimension 2"),
    ("negative axis", lambda x: aotml.standardize(x, axis=-3), aotml.InvalidArgument, "axis -3 is out of bounds"),
    ("no buffer", lambda x: aotml.softmax(x.tolist()), TypeError, "buffer protocol"),
    ("out without buffer", lambda x: aotml.softmax(x, out="nope"), TypeError, "out must support the buffer protocol"),
    ("partial overlap", lambda x: aotml.softmax(x.ravel()[:40], out=x.ravel()[8:48]), aotml.InvalidArgument,
     "overlaps"),
    ("feature range", lambda x: aotml.minmax_scale(x, feature_range=(1, 0)), aotml.InvalidArgument, "feature_range"),
    ("ddof", lambda x: aotml.standardize(x, ddof=-1), aotml.InvalidArgument, "ddof"),
    ("eps type", lambda x: aotml.l2_normalize(x, eps="small"), TypeError, "eps must be a real number"),
    ("axis type", lambda x: aotml.softmax(x, axis=1.5), TypeError, "integer"),
    ("weight shape", lambda x: aotml.layer_norm(x, weight=np.ones(7, np.float32)), aotml.InvalidArgument,
     r"weight has shape \(7,\), expected \(8,\)"),
    ("bias dtype", lambda x: aotml.layer_norm(x, bias=np.ones(8)), aotml.InvalidArgument, "bias has dtype float64"),
    ("weight overlaps out", lambda x: aotml.layer_norm(x, weight=x[1], out=x), aotml.InvalidArgument,
     "weight overlaps out"),
    ("bias overlaps out", lambda x: aotml.layer_norm(x.copy(), bias=x.ravel()[3:11], out=x), aotml.InvalidArgument,
     "bias overlaps out"),
    ("weight is out", lambda x: aotml.layer_norm(x[:1].copy(), weight=x[0], out=x[:1]), aotml.InvalidArgument,
     "weight overlaps out"),
    ("axis True", lambda x: aotml.softmax(x, axis=True), TypeError, "axis must be an integer, not bool"),
    ("axis False", lambda x: aotml.standardize(x, axis=False), TypeError, "axis must be an integer, not bool"),
    ("axis numpy bool", lambda x: aotml.minmax_scale(x, axis=np.True_), TypeError, "axis must be an integer"),
    ("ddof True", lambda x: aotml.standardize(x, ddof=True), TypeError, "ddof must be an integer, not bool"),
    # 16 GiB if out were allocated before x is validated: the layout check must come first.
    ("broadcast view", lambda x: aotml.standardize(np.broadcast_to(np.float32(1), (2**16, 2**16))),
     aotml.InvalidArgument, "ascontiguousarray"),
]


def _readonly(x):
    y = np.empty_like(x)
    y.flags.writeable = False
    return y


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_input_raises_clearly_and_leaves_memory_untouched(backend, case):
    _, call, exc, pattern = case
    x = np.random.default_rng(6).standard_normal((6, 8)).astype(np.float32)
    before = x.copy()
    with pytest.raises(exc, match=pattern):
        call(x)
    assert np.array_equal(x, before)


def test_both_backends_raise_identical_exceptions():
    from aotml import _backend
    seen = {}
    for name in ("ext", "ctypes"):
        _backend.select(name)
        outcomes = []
        for _, call, _, _ in ERROR_CASES:
            x = np.random.default_rng(6).standard_normal((6, 8)).astype(np.float32)
            try:
                call(x)
                outcomes.append(None)
            except Exception as e:  # noqa: BLE001 - comparing exactly what each backend raises
                outcomes.append((type(e), str(e)))
        seen[name] = outcomes
    _backend.select("ext")
    assert seen["ext"] == seen["ctypes"]


def test_errors_derive_from_standard_exceptions():
    assert issubclass(aotml.InvalidArgument, ValueError)
    assert issubclass(aotml.OnnxRuntimeError, RuntimeError)
    assert issubclass(aotml.InvalidArgument, aotml.AotmlError)


@pytest.mark.parametrize("dtype", DTYPES)
def test_big_rows_and_columns(backend, dtype):
    # Sizes past the vector widths and the column-statistics block, with a remainder everywhere.
    x = np.random.default_rng(7).standard_normal((1037, 389)).astype(dtype)
    for name, (fn, ref) in KERNELS.items():
        for axis in (0, 1):
            close(fn(x, axis=axis), ref(x, axis), dtype)


def test_all_combinations_of_out_and_backend_give_the_same_bytes():
    from aotml import _backend
    x = np.random.default_rng(8).standard_normal((33, 65)).astype(np.float32)
    results = []
    for name, out in itertools.product(("ext", "ctypes"), (None, "new")):
        _backend.select(name)
        o = None if out is None else np.empty_like(x)
        results.append(aotml.standardize(x, axis=1, out=o).tobytes())
    _backend.select("ext")
    assert len(set(results)) == 1


@pytest.mark.parametrize("name", [*KERNELS, "layer_norm"])
@pytest.mark.parametrize("wrap", [lambda a: a, memoryview], ids=["ndarray", "memoryview"])
def test_huge_broadcast_view_is_refused_before_allocating(backend, name, wrap):
    fn = KERNELS[name][0] if name in KERNELS else aotml.layer_norm
    # 4 PiB as a C-contiguous array, 4 bytes behind it: allocating out first would raise MemoryError (and the
    # 16 GiB of 2**16 × 2**16 would succeed lazily here, so the test could not tell).
    x = wrap(np.broadcast_to(np.float32(1), (2**25, 2**25)))
    with pytest.raises(aotml.InvalidArgument, match="not C-contiguous"):
        fn(x)


def test_layer_norm_checks_overlap_before_writing(backend):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    out = np.full((5, 8), 7.0, np.float32)
    for kwargs in ({"weight": out[3]}, {"bias": out[0]}, {"weight": out.ravel()[5:13], "bias": x[0]}):
        with pytest.raises(aotml.InvalidArgument, match="overlaps out"):
            aotml.layer_norm(x, out=out[:4], **kwargs)
        assert (out == 7.0).all()
    # Weight and bias may share memory with x and with each other: both are only read.
    w = x[0].copy()
    close(aotml.layer_norm(x, weight=w, bias=w), ref_layer_norm(x, w, w), np.float32)
    close(aotml.layer_norm(x, weight=x[1], bias=x[2]), ref_layer_norm(x, x[1], x[2]), np.float32)


# Long float32 axes on a large offset: the statistics must not lose the offset's digits (a float32 running sum of a
# million values near 1e4 is off by ~1 in the mean). The bar is numpy's own float32 formula, or a few float32 ulps of
# the result where numpy does better than that by luck. Both backends run inside one test so that the float64
# references, the slow part, are computed once.
SWEEP_LENGTHS = [1_000, 100_000, 1_000_000, 4_000_000]
SWEEP_OFFSETS = [0.0, 1e3, 1e4]
M = 8  # the [m, n] layouts: n/8 columns of 8, or 8 rows of n/8


def _z32(x, axis, eps):
    # numpy's float32 formula, as a user would write it.
    if eps is None:
        return (x - x.mean(axis, keepdims=True)) / x.std(axis, keepdims=True)
    return (x - x.mean(axis, keepdims=True)) / np.sqrt(x.var(axis, keepdims=True) + np.float32(eps))


@pytest.mark.parametrize("offset", SWEEP_OFFSETS)
@pytest.mark.parametrize("n", SWEEP_LENGTHS)
def test_float32_standardize_and_layer_norm_keep_precision_on_long_axes(n, offset):
    from aotml import _backend
    x = (np.random.default_rng(n).standard_normal(n) + offset).astype(np.float32)
    layouts = [("1-D axis=0", x, 0, None), ("[n/8, 8] axis=0", x.reshape(-1, M), 0, None),
               ("[8, n/8] axis=-1", x.reshape(M, -1), -1, None),
               ("layer_norm [1, n]", x.reshape(1, n), -1, 1e-5), ("layer_norm [8, n/8]", x.reshape(M, -1), -1, 1e-5)]
    failures = []
    try:
        for name, a, axis, eps in layouts:
            ref = _z32(a.astype(np.float64), axis, eps)
            numpy_error = np.abs(_z32(a, axis, eps) - ref).max()
            bar = max(numpy_error, 8 * np.finfo(np.float32).eps * np.abs(ref).max())
            for backend in ("ext", "ctypes"):
                _backend.select(backend)
                ours = aotml.standardize(a, axis=axis) if eps is None else aotml.layer_norm(a, eps=eps)
                assert ours.dtype == np.float32
                error = np.abs(ours - ref).max()
                if not error <= bar:
                    failures.append(f"{backend} {name}: max error {error:.3g}, numpy float32 {numpy_error:.3g}")
    finally:
        _backend.select("ext")
    assert not failures, failures
