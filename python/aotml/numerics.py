"""Normalization and pooling kernels over any buffer-protocol array (numpy, array.array, memoryview).

Inputs are read in place and must be C-contiguous (aotml never copies silently; a non-contiguous input raises
``InvalidArgument`` naming ``numpy.ascontiguousarray``). ``out=None`` allocates the result (a numpy array when numpy
is importable, else a memoryview), ``out=x`` works in place, and any other ``out`` must be a writable C-contiguous
array of x's shape and dtype that does not partly overlap x. The work runs without the GIL.
"""
from __future__ import annotations

import numbers
import operator
from typing import Any

from . import _backend
from ._errors import InvalidArgument

try:
    import numpy as _np
except ImportError:  # numpy is optional: results are then memoryviews
    _np = None  # type: ignore[assignment]

__all__ = ["l2_normalize", "minmax_scale", "standardize", "softmax", "log_softmax", "layer_norm",
           "mean_pool", "cls_pool", "max_pool"]


def _real(value: object, name: str) -> float:
    if type(value) is float:  # the common case, without the slow ABC check below
        return value  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    return float(value)


def _int(value: object, name: str) -> int:
    # operator.index accepts True as 1: axis=True is far more likely a slip than a request for axis 1.
    if isinstance(value, bool) or (_np is not None and isinstance(value, _np.bool_)):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    return operator.index(value)  # type: ignore[arg-type]


def _axis(axis: object) -> int | None:
    return None if axis is None else _int(axis, "axis")


# The engine's message for a non-contiguous x, raised here too so that it comes before the allocation of out.
_NOT_CONTIGUOUS = ("x is not C-contiguous; aotml reads inputs in place and never copies silently: "
                   "pass numpy.ascontiguousarray(x)")


def _like(x: Any) -> Any:
    """A new C-contiguous array of x's shape and dtype.

    The engine validates x, but only after this allocation; a non-contiguous view (a broadcast, a transpose) can be
    far larger than the memory behind it, so its layout is checked first. Everything else is the engine's to say.
    """
    if _np is not None and type(x) is _np.ndarray:
        if not x.flags.c_contiguous:
            raise InvalidArgument(_NOT_CONTIGUOUS)
        return _np.empty(x.shape, x.dtype)
    try:
        view = memoryview(x)
    except TypeError:
        raise TypeError(f"x must support the buffer protocol (a numpy array, array.array or memoryview), "
                        f"not {type(x).__name__}") from None
    if not view.c_contiguous:
        raise InvalidArgument(_NOT_CONTIGUOUS)
    if _np is not None:
        try:
            return _np.empty(view.shape or (), _np.dtype(view.format))
        except TypeError:
            pass  # a format numpy cannot name; the engine will say what is wrong with x
    fmt = view.format if view.format in ("f", "d") else "B"
    size = view.itemsize if fmt != "B" else 1
    count = 1
    for d in view.shape or ():
        count *= d
    raw = memoryview(bytearray(count * size))
    return raw.cast(fmt, view.shape) if view.shape else raw.cast(fmt)


def l2_normalize(x: Any, axis: int = -1, eps: float = 1e-12, out: Any = None) -> Any:
    """x / max(‖x‖₂, eps) along ``axis`` (as sklearn.preprocessing.normalize and torch's F.normalize)."""
    a, e = _int(axis, "axis"), _real(eps, "eps")
    result = _like(x) if out is None else out
    _backend.impl.l2_normalize(x, result, a, e)
    return result


def minmax_scale(x: Any, axis: int | None = None, feature_range: tuple[float, float] = (0.0, 1.0),
                 out: Any = None) -> Any:
    """(x - min) / (max - min) scaled into ``feature_range`` along ``axis`` (None: the whole array).

    A constant slice maps to the range's lower end (scikit-learn's rule); a NaN makes its slice NaN (numpy's min).
    """
    lo, hi = feature_range
    a, lo, hi = _axis(axis), _real(lo, "feature_range[0]"), _real(hi, "feature_range[1]")
    result = _like(x) if out is None else out
    _backend.impl.minmax_scale(x, result, a, lo, hi)
    return result


def standardize(x: Any, axis: int = 0, eps: float = 1e-12, ddof: int = 0, out: Any = None) -> Any:
    """(x - mean) / max(std, eps) along ``axis``, std with ``ddof`` delta degrees of freedom (z-score).

    Statistics are accumulated in float64 for float32 input too, so long axes and large offsets keep the accuracy
    of the float64 formula to within a few float32 ulps.
    """
    a, e, d = _int(axis, "axis"), _real(eps, "eps"), _int(ddof, "ddof")
    result = _like(x) if out is None else out
    _backend.impl.standardize(x, result, a, e, d)
    return result


def softmax(x: Any, axis: int = -1, out: Any = None) -> Any:
    """exp(x - max) / Σ exp(x - max) along ``axis`` (max-subtracted, so large inputs do not overflow)."""
    a = _int(axis, "axis")
    result = _like(x) if out is None else out
    _backend.impl.softmax(x, result, a, False)
    return result


def log_softmax(x: Any, axis: int = -1, out: Any = None) -> Any:
    """(x - max) - log Σ exp(x - max) along ``axis``."""
    a = _int(axis, "axis")
    result = _like(x) if out is None else out
    _backend.impl.softmax(x, result, a, True)
    return result


def layer_norm(x: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5, out: Any = None) -> Any:
    """(x - mean) / sqrt(var + eps) * weight + bias over the last axis (biased variance, as torch's layer_norm).

    ``weight`` and ``bias`` must not share memory with ``out`` (every row reads them after earlier rows are written).
    """
    e = _real(eps, "eps")
    result = _like(x) if out is None else out
    _backend.impl.layer_norm(x, result, weight, bias, e)
    return result


def _pooled(hidden: Any) -> Any:
    """A new array [batch, dim] of hidden's dtype, after the checks that must precede its allocation."""
    if _np is not None and type(hidden) is _np.ndarray:
        shape, fmt = hidden.shape, hidden.dtype
    else:
        try:
            view = memoryview(hidden)
        except TypeError:
            raise TypeError(f"hidden must support the buffer protocol (a numpy array, array.array or memoryview), "
                            f"not {type(hidden).__name__}") from None
        shape, fmt = view.shape or (), view.format
    if len(shape) != 3:
        raise InvalidArgument(f"hidden has shape {tuple(shape)}; pooling takes hidden states [batch, seq, dim]")
    if _np is not None:
        try:
            return _np.empty((shape[0], shape[2]), _np.dtype(fmt))
        except TypeError:
            pass  # the engine names what is wrong with hidden
    size = 8 if fmt in ("d", "<d", "=d") else 4
    code = "d" if size == 8 else "f"
    return memoryview(bytearray(shape[0] * shape[2] * size)).cast(code, (shape[0], shape[2]))


def mean_pool(hidden: Any, mask: Any, out: Any = None) -> Any:
    """Σₜ mask[b,t]·hidden[b,t] / max(Σₜ mask[b,t], 1e-9): hidden [batch, seq, dim] → [batch, dim].

    The sentence-transformers mean: the mask (attention mask, [batch, seq], any integer, bool or float dtype) weighs
    each token, so padding is left out and a sequence with no token pools to zeros.
    """
    result = _pooled(hidden) if out is None else out
    _backend.impl.pool(hidden, mask, result, 0)
    return result


def cls_pool(hidden: Any, out: Any = None) -> Any:
    """hidden[:, 0]: the first token's vector ([CLS] in BERT-style models), hidden [batch, seq, dim] → [batch, dim]."""
    result = _pooled(hidden) if out is None else out
    _backend.impl.pool(hidden, None, result, 1)
    return result


def max_pool(hidden: Any, mask: Any, out: Any = None) -> Any:
    """The element-wise maximum over the tokens whose mask is non-zero: hidden [batch, seq, dim] → [batch, dim].

    NaN propagates (as numpy's max); a sequence with no token pools to zeros.
    """
    result = _pooled(hidden) if out is None else out
    _backend.impl.pool(hidden, mask, result, 2)
    return result
