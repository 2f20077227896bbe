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


def _run(fn, x, out, weight, bias, *args):  # type: ignore[no-untyped-def]
    held = []
    try:
        bx = _c.get_buffer(x, "x"); held.append(bx)
        bo = _c.get_buffer(out, "out"); held.append(bo)
        extra = []
        for obj, name in ((weight, "weight"), (bias, "bias")):
            if fn is _c.lib.aotml_layer_norm:
                if obj is None:
                    extra.append(None)
                else:
                    b = _c.get_buffer(obj, name); held.append(b); extra.append(ctypes.byref(b.buf))
        status = fn(ctypes.byref(bx.buf), ctypes.byref(bo.buf), *extra, *args)
        _c.check(status)
    finally:
        for b in held:
            b.release()


def l2_normalize(x, out, axis, eps):  # type: ignore[no-untyped-def]
    a, e = _axis(axis), float(eps)
    _run(_c.lib.aotml_l2_normalize, x, out, None, None, a, e)


def minmax_scale(x, out, axis, lo, hi):  # type: ignore[no-untyped-def]
    a, lo, hi = _axis(axis), float(lo), float(hi)
    _run(_c.lib.aotml_minmax_scale, x, out, None, None, a, lo, hi)


def standardize(x, out, axis, eps, ddof):  # type: ignore[no-untyped-def]
    a, e, d = _axis(axis), float(eps), operator.index(ddof)
    if d < -_I32 - 1 or d > _I32:
        raise ValueError(f"ddof {d} is out of range")
    _run(_c.lib.aotml_standardize, x, out, None, None, a, e, d)


def softmax(x, out, axis, log):  # type: ignore[no-untyped-def]
    a = _axis(axis)
    _run(_c.lib.aotml_softmax, x, out, None, None, a, 1 if log else 0)


def layer_norm(x, out, weight, bias, eps):  # type: ignore[no-untyped-def]
    e = float(eps)
    _run(_c.lib.aotml_layer_norm, x, out, weight, bias, e)
