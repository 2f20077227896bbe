"""Normalization kernels over ctypes; mirrors _ext_numerics.c."""
from __future__ import annotations

import ctypes
import operator

from . import _ctypes as _c

__all__ = ["l2_normalize", "minmax_scale", "standardize", "softmax", "layer_norm"]

_I32 = 2**31 - 1


def _axis(axis: object) -> int:
    if axis is None:
        return _c.AXIS_NONE
    v = operator.index(axis)  # type: ignore[arg-type]
    if v < -_I32 or v > _I32:
        raise ValueError(f"axis {v} is out of bounds")
    return v


def _run(fn, arrays, names, *scalars):  # type: ignore[no-untyped-def]
    """Takes a buffer of each array (None passes NULL), calls fn, releases every buffer, raises on failure."""
    held = []
    try:
        pointers = []
        for obj, name in zip(arrays, names):
            if obj is None:
                pointers.append(None)
            else:
                arg = _c.get_buffer(obj, name)
                held.append(arg)
                pointers.append(ctypes.byref(arg.buf))
        _c.check(fn(*pointers, *scalars))
    finally:
        for arg in held:
            arg.release()


_XO = ("x", "out")


def l2_normalize(x, out, axis, eps):  # type: ignore[no-untyped-def]
    a, e = _axis(axis), float(eps)
    _run(_c.lib.aotml_l2_normalize, (x, out), _XO, a, e)


def minmax_scale(x, out, axis, lo, hi):  # type: ignore[no-untyped-def]
    a, lo, hi = _axis(axis), float(lo), float(hi)
    _run(_c.lib.aotml_minmax_scale, (x, out), _XO, a, lo, hi)


def standardize(x, out, axis, eps, ddof):  # type: ignore[no-untyped-def]
    a, e, d = _axis(axis), float(eps), operator.index(ddof)
    if d < -_I32 - 1 or d > _I32:
        raise ValueError(f"ddof {d} is out of range")
    _run(_c.lib.aotml_standardize, (x, out), _XO, a, e, d)


def softmax(x, out, axis, log):  # type: ignore[no-untyped-def]
    a = _axis(axis)
    _run(_c.lib.aotml_softmax, (x, out), _XO, a, 1 if log else 0)


def layer_norm(x, out, weight, bias, eps):  # type: ignore[no-untyped-def]
    e = float(eps)
    _run(_c.lib.aotml_layer_norm, (x, out, weight, bias), (*_XO, "weight", "bias"), e)
