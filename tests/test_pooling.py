"""Masked pooling (aotml.numerics.mean_pool / cls_pool / max_pool) against numpy, on both backends."""
from __future__ import annotations

import array

import numpy as np
import pytest

import aotml
from aotml.numerics import cls_pool, max_pool, mean_pool


def ref_mean(h, m):
    w = m.astype(np.float64)[:, :, None]
    return (h.astype(np.float64) * w).sum(1) / np.maximum(w.sum(1), 1e-9)


def ref_max(h, m):
    masked = np.where(m[:, :, None] != 0, h.astype(np.float64), -np.inf)
    out = masked.max(1)
    return np.where(np.isneginf(out) & ~(m != 0).any(1)[:, None], 0.0, out)


def ragged(batch, seq, rng, dtype=np.int64):
    lengths = rng.integers(0, seq + 1, batch)
    return (np.arange(seq)[None, :] < lengths[:, None]).astype(dtype)


SHAPES = [(1, 1, 1), (4, 9, 384), (3, 64, 17), (16, 5, 8)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mean_and_max_match_numpy(backend, shape, dtype):
    rng = np.random.default_rng(sum(shape))
    h = rng.normal(size=shape).astype(dtype)
    m = ragged(shape[0], shape[1], rng)
    tol = 2e-6 if dtype == np.float32 else 1e-12
    got = mean_pool(h, m)
    assert got.dtype == dtype and got.shape == (shape[0], shape[2])
    np.testing.assert_allclose(got, ref_mean(h, m), rtol=tol, atol=tol)
    np.testing.assert_array_equal(max_pool(h, m), ref_max(h, m).astype(dtype))
    np.testing.assert_array_equal(cls_pool(h), h[:, 0])


@pytest.mark.parametrize("mask_dtype", [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_, np.float32,
                                        np.float64])
def test_every_mask_dtype_gives_the_same_result(backend, mask_dtype):
    rng = np.random.default_rng(7)
    h = rng.normal(size=(5, 11, 6)).astype(np.float32)
    m = ragged(5, 11, rng)
    expected = mean_pool(h, m)
    np.testing.assert_array_equal(mean_pool(h, m.astype(mask_dtype)), expected)
    np.testing.assert_array_equal(max_pool(h, m.astype(mask_dtype)), max_pool(h, m))


def test_weights_count_and_padding_is_ignored(backend):
    h = np.array([[[1.0, 2.0], [3.0, 4.0], [np.nan, np.inf]]], np.float32)
    m = np.array([[2, 1, 0]])
    np.testing.assert_allclose(mean_pool(h, m), [[5 / 3, 8 / 3]], rtol=1e-6)
    np.testing.assert_array_equal(max_pool(h, m), [[3.0, 4.0]])
    np.testing.assert_array_equal(mean_pool(h, np.zeros((1, 3), np.int64)), [[0.0, 0.0]])
    np.testing.assert_array_equal(max_pool(h, np.zeros((1, 3), np.int64)), [[0.0, 0.0]])


def test_nan_in_a_real_token_propagates(backend):
    h = np.array([[[1.0, np.nan], [2.0, 0.0]]], np.float64)
    m = np.ones((1, 2), np.int64)
    assert np.isnan(mean_pool(h, m)[0, 1]) and np.isnan(max_pool(h, m)[0, 1])
    assert mean_pool(h, m)[0, 0] == 1.5 and max_pool(h, m)[0, 0] == 2.0


def test_out_and_other_buffers(backend):
    rng = np.random.default_rng(3)
    h = rng.normal(size=(2, 3, 4))
    m = np.ones((2, 3), np.int32)
    out = np.empty((2, 4))
    assert mean_pool(h, m, out=out) is out
    np.testing.assert_allclose(out, h.mean(1), rtol=1e-12)
    # array.array / memoryview inputs give memoryview-compatible results through the same engine call.
    flat = array.array("f", h.astype(np.float32).ravel().tolist())
    view = memoryview(flat).cast("B").cast("f", (2, 3, 4))
    np.testing.assert_allclose(np.asarray(cls_pool(view)), h.astype(np.float32)[:, 0])


def test_bad_input_raises_clear_errors_and_leaves_data_alone(backend):
    h = np.ones((2, 3, 4), np.float32)
    m = np.ones((2, 3), np.int64)
    before = h.copy(), m.copy()
    with pytest.raises(aotml.InvalidArgument, match=r"hidden states \[batch, seq, dim\]"):
        mean_pool(h[0], m)
    with pytest.raises(ValueError, match=r"mask has shape \(2, 4\), expected \(2, 3\)"):
        mean_pool(h, np.ones((2, 4), np.int64))
    with pytest.raises(ValueError, match="mask is missing"):
        max_pool(h, None)
    with pytest.raises(ValueError, match="mask has format"):
        mean_pool(h, np.ones((2, 3), np.complex64))
    with pytest.raises(ValueError, match="hidden has dtype int64"):
        mean_pool(np.ones((2, 3, 4), np.int64), m)
    with pytest.raises(ValueError, match="not C-contiguous"):
        mean_pool(np.ones((2, 4, 3), np.float32).transpose(0, 2, 1), m)
    with pytest.raises(ValueError, match=r"out has shape \(2, 3\), expected \(2, 4\)"):
        mean_pool(h, m, out=np.empty((2, 3), np.float32))
    with pytest.raises(ValueError, match="out has dtype float64"):
        mean_pool(h, m, out=np.empty((2, 4), np.float64))
    with pytest.raises(ValueError, match="at least one token"):
        cls_pool(np.ones((2, 0, 4), np.float32))
    with pytest.raises(TypeError, match="buffer protocol"):
        mean_pool([[[1.0]]], m)
    np.testing.assert_array_equal(h, before[0])
    np.testing.assert_array_equal(m, before[1])
