# mypy: ignore-errors
# (ctypes stubs cannot express the nullable addresses and duck-typed kinds these helpers pass; _ext.pyi states the surface)
"""The hand-written ONNX functions over ctypes, mirroring _ext_onnx.c: the run fast path (measured: the generic
per-input conversion costs more than a small model's run) and the two-step binding outputs."""
from __future__ import annotations

from ctypes import byref, c_int32, c_int64, c_void_p
from typing import Any

from ._ctypes import (Buffer, OnnxValue, _conv_bool, _conv_handle, _conv_opt_handle, _enter, _error, _leave, _lib,
                      _numpy, _res_handle, _res_value)

__all__ = ["onnx_session_run", "onnx_binding_outputs"]

for _name, _sig in {"aotml_onnx_session_run": (c_int32, [c_void_p, c_void_p, c_int32, c_void_p, c_void_p, c_void_p,
                                                          c_int32, c_void_p, c_int32, c_void_p]),
                    "aotml_onnx_binding_outputs": (c_int32, [c_void_p, c_void_p, c_int32, c_void_p])}.items():
    getattr(_lib, _name).restype, getattr(_lib, _name).argtypes = _sig

# numpy dtype.char -> struct-module format of the numeric dtypes the fast path takes
_FORMAT_OF_CHAR = {c: c.encode() for c in "fdebBhHiIlLqQ?"}


def _wrap_all(outs: Any, n: int, raw: bool) -> list:  # type: ignore[type-arg]
    result = []
    try:
        for i in range(n):
            result.append(_res_handle(outs[i].handle) if raw else _res_value(outs[i]))
            outs[i].handle = None
    finally:
        for i in range(n):
            if outs[i].handle:
                _lib.aotml_handle_free(c_void_p(outs[i].handle))
    return result


def onnx_session_run(session, run_options, name_index, feed, handles, output_index, raw):  # type: ignore[no-untyped-def]
    # Plain C-contiguous numeric ndarrays are read in place, anything else returns None so that the session prepares
    # the feed. The array's address comes from numpy itself (no Py_buffer round trip through ctypes.pythonapi, which
    # costs more than the run). `pinned` holds every array read in place until the run returns: another thread may
    # empty `feed` while the GIL is released.
    raw = _conv_bool(raw, "raw")
    if type(feed) is not dict or type(name_index) is not dict or (handles is not None and type(handles) is not dict):
        return None
    ndarray = _numpy().ndarray
    items = list(feed.items())  # one snapshot: other threads run between bytecodes here
    n_in = len(items) + (len(handles) if handles else 0)
    n_out = len(output_index)
    index = (c_int32 * max(n_in, 1))()
    bufs = (Buffer * max(n_in, 1))()
    values = (c_void_p * max(n_in, 1))()
    shapes = []
    held: list = []  # type: ignore[type-arg]
    pinned = []
    try:
        s = _conv_handle(session, "session", held)
        ro = _conv_opt_handle(run_options, "run_options", held)
        i = 0
        for name, value in items:
            k = name_index.get(name)
            if k is None or type(value) is not ndarray or not value.flags.c_contiguous:
                return None
            dtype = value.dtype
            fmt = _FORMAT_OF_CHAR.get(dtype.char)
            if fmt is None or not dtype.isnative:
                return None
            shape = value.shape
            dims = (c_int64 * max(len(shape), 1))(*shape)
            shapes.append(dims)
            pinned.append(value)
            index[i] = k
            b = bufs[i]
            b.data = value.ctypes.data
            b.shape = dims
            b.format = fmt
            b.itemsize = dtype.itemsize
            b.ndim = len(shape)
            b.readonly = 0 if value.flags.writeable else 1
            i += 1
        if handles:
            for name, h in handles.items():
                k = name_index.get(name)
                if k is None:
                    return None
                index[i] = k
                values[i] = _conv_handle(h, "input value", held)
                i += 1
        out_index = (c_int32 * max(n_out, 1))(*output_index)
        outs = (OnnxValue * max(n_out, 1))()
        _enter()
        try:
            st = _lib.aotml_onnx_session_run(s, ro, i, index, bufs, values, n_out, out_index, 0, outs)
        finally:
            _leave()
        if st:
            raise _error(st)
        return _wrap_all(outs, n_out, raw)
    finally:
        del pinned
        for x in held:
            x._done()


def onnx_binding_outputs(binding: object, raw: object) -> list:  # type: ignore[type-arg]
    r = _conv_bool(raw, "raw")
    held: list = []  # type: ignore[type-arg]
    try:
        b = _conv_handle(binding, "binding", held)
        count = c_int32()
        st = _lib.aotml_onnx_binding_outputs(b, None, 0, byref(count))
        if st:
            raise _error(st)
        outs = (OnnxValue * max(count.value, 1))()
        st = _lib.aotml_onnx_binding_outputs(b, outs, count.value, byref(count))
        if st:
            raise _error(st)
        return _wrap_all(outs, count.value, bool(r))
    finally:
        for x in held:
            x._done()
