"""ONNX Runtime sessions, values and bindings over ctypes; mirrors _ext_onnx.c function for function."""
from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_char_p, c_int32, c_int64, c_void_p
from typing import Any

from . import _ctypes as _c

__all__ = [
    "onnx_providers", "onnx_session_new", "onnx_session_info", "onnx_session_run", "onnx_session_end_profiling",
    "onnx_run_options_new", "onnx_run_options_set", "onnx_run_options_terminate", "onnx_value_from_buffer",
    "onnx_value_from_pointer", "onnx_value_new", "onnx_value_from_strings", "onnx_value_sequence", "onnx_value_strings",
    "onnx_value_output", "onnx_value_describe", "onnx_value_count", "onnx_value_element", "onnx_binding_new",
    "onnx_binding_bind", "onnx_binding_clear", "onnx_binding_run", "onnx_binding_outputs",
]


class OnnxValue(ctypes.Structure):
    """``aotml_onnx_value`` in aotml.h."""

    _fields_ = [
        ("handle", c_void_p),
        ("data", c_void_p),
        ("shape", POINTER(c_int64)),
        ("ndim", c_int32),
        ("kind", c_int32),
        ("elem_type", c_int32),
        ("reserved", c_int32),
    ]


_c.declare({
    "aotml_onnx_providers": (c_int32, [POINTER(c_char_p), POINTER(c_int64)]),
    "aotml_onnx_session_new": (c_int32, [c_char_p, c_int64, c_void_p, c_int64, c_char_p, c_int64, c_void_p]),
    "aotml_onnx_session_info": (c_int32, [c_void_p, POINTER(c_char_p), POINTER(c_int64)]),
    "aotml_onnx_session_run": (c_int32, [c_void_p, c_void_p, c_int32, POINTER(c_int32), POINTER(_c.Buffer),
                                         c_void_p, c_int32, POINTER(c_int32), c_int32, c_void_p]),
    "aotml_onnx_value_release": (c_int32, [c_void_p]),
    "aotml_onnx_value_adopt": (c_int32, [c_void_p, c_void_p]),
    "aotml_onnx_session_end_profiling": (c_int32, [c_void_p, POINTER(c_char_p), POINTER(c_int64)]),
    "aotml_onnx_run_options_new": (c_int32, [c_void_p]),
    "aotml_onnx_run_options_set": (c_int32, [c_void_p, c_char_p, c_int64, c_char_p, c_int64]),
    "aotml_onnx_run_options_terminate": (c_int32, [c_void_p, c_int32]),
    "aotml_onnx_value_from_buffer": (c_int32, [POINTER(_c.Buffer), c_int32, c_void_p]),
    "aotml_onnx_value_from_pointer": (c_int32, [c_void_p, POINTER(c_int64), c_int32, c_int32, c_void_p]),
    "aotml_onnx_value_new": (c_int32, [POINTER(c_int64), c_int32, c_int32, c_void_p]),
    "aotml_onnx_value_from_strings": (c_int32, [c_char_p, POINTER(c_int64), POINTER(c_int64), c_int32, c_void_p]),
    "aotml_onnx_value_sequence": (c_int32, [c_void_p, c_int64, c_void_p]),
    "aotml_onnx_value_strings": (c_int32, [c_void_p, c_void_p, c_void_p, POINTER(c_int64)]),
    "aotml_onnx_value_describe": (c_int32, [c_void_p, c_void_p]),
    "aotml_onnx_value_count": (c_int32, [c_void_p, POINTER(c_int64)]),
    "aotml_onnx_value_element": (c_int32, [c_void_p, c_int64, c_void_p]),
    "aotml_onnx_binding_new": (c_int32, [c_void_p, c_void_p]),
    "aotml_onnx_binding_bind": (c_int32, [c_void_p, c_int32, c_char_p, c_int64, c_void_p]),
    "aotml_onnx_binding_clear": (c_int32, [c_void_p, c_int32]),
    "aotml_onnx_binding_run": (c_int32, [c_void_p, c_void_p]),
    "aotml_onnx_binding_outputs": (c_int32, [c_void_p, c_void_p, c_int32, POINTER(c_int32)]),
})

_lib: ctypes.CDLL = _c.lib  # type: ignore[has-type]  # import cycle with _ctypes
_check = _c.check

# struct-module format and item size of numeric element types (bfloat16 as uint16 bit patterns).
_FORMATS = {1: ("f", 4), 2: ("B", 1), 3: ("b", 1), 4: ("H", 2), 5: ("h", 2), 6: ("i", 4), 7: ("q", 8),
            9: ("?", 1), 10: ("e", 2), 11: ("d", 8), 12: ("I", 4), 13: ("Q", 8), 16: ("H", 2)}
_NUMERIC = frozenset("fdebBhHiIlLqQ?")

_np = None


def _numpy():  # type: ignore[no-untyped-def]
    global _np
    if _np is None:
        import numpy
        _np = numpy
    return _np


def _numeric_format(f: str | None) -> bool:
    if not f:
        return False
    if f[0] in "<=@|":
        f = f[1:]
    return len(f) == 1 and f in _NUMERIC


def _wrap(v: OnnxValue):  # type: ignore[no-untyped-def]
    """A numpy array over a numeric tensor (owning the handle), or (handle, kind, elem_type, shape)."""
    shape = tuple(v.shape[i] for i in range(v.ndim))
    fmt = _FORMATS.get(v.elem_type) if v.kind == 1 else None
    if fmt is None:
        return (v.handle, v.kind, v.elem_type, shape)
    np = _numpy()
    if not v.data:
        # Empty tensor: no memory to share; the value is done with.
        _lib.aotml_handle_free(c_void_p(v.handle))
        return np.empty(shape, dtype=fmt[0])
    if fmt[0] == "e":  # memoryview cannot cast to half floats: share the bits as uint16, view them as float16
        arr = np.asarray(_c.native_buffer(v.data, "H", 2, shape, v.handle, 1)).view(np.float16)
    else:
        arr = np.asarray(_c.native_buffer(v.data, fmt[0], fmt[1], shape, v.handle, 1))
    return arr


def _wrap_all(outs, n: int, raw: bool) -> list:  # type: ignore[no-untyped-def]
    result = []
    try:
        for i in range(n):
            result.append(outs[i].handle if raw else _wrap(outs[i]))
            outs[i].handle = None
    finally:
        for i in range(n):
            if outs[i].handle:
                _lib.aotml_handle_free(c_void_p(outs[i].handle))
    return result


def _take_string(status: int, s: c_char_p, length: c_int64) -> str:
    _check(status)
    try:
        return ctypes.string_at(s, length.value).decode("utf-8", "replace")
    finally:
        _lib.aotml_free(s)


def onnx_providers() -> list[str]:
    s, n = c_char_p(), c_int64()
    return _take_string(_lib.aotml_onnx_providers(byref(s), byref(n)), s, n).split("\0")


def onnx_session_new(path: str | None, model: object, options: bytes) -> int:
    h = c_void_p()
    if path is not None:
        p = path.encode("utf-8", "surrogateescape")
        _check(_lib.aotml_onnx_session_new(p, len(p), None, 0, options, len(options), byref(h)))
    else:
        arg = _c.get_buffer(model, "model")
        try:
            view = arg.view
            assert view is not None
            _check(_lib.aotml_onnx_session_new(None, 0, view.buf, view.len, options, len(options), byref(h)))
        finally:
            arg.release()
    return h.value or 0


def onnx_session_info(session: int) -> str:
    s, n = c_char_p(), c_int64()
    return _take_string(_lib.aotml_onnx_session_info(c_void_p(session), byref(s), byref(n)), s, n)


# numpy dtype.char -> struct-module format of the numeric dtypes the fast path takes
_FORMAT_OF_CHAR = {c: c.encode() for c in "fdebBhHiIlLqQ?"}


def onnx_session_run(session, run_options, name_index, feed, handles, output_index, raw):  # type: ignore[no-untyped-def]
    # Mirrors _ext_onnx.c: plain C-contiguous numeric ndarrays are read in place, anything else returns None so that
    # onnx.py prepares the feed. The array's address comes from numpy itself (no Py_buffer round trip through
    # ctypes.pythonapi, which costs more than the run). `pinned` holds every array read in place until the run
    # returns: another thread may empty `feed` while the GIL is released.
    if type(feed) is not dict or type(name_index) is not dict or (handles is not None and type(handles) is not dict):
        return None
    ndarray = _numpy().ndarray
    items = list(feed.items())  # one snapshot: other threads run between bytecodes here
    n_in = len(items) + (len(handles) if handles else 0)
    n_out = len(output_index)
    index = (c_int32 * max(n_in, 1))()
    bufs = (_c.Buffer * max(n_in, 1))()
    values = (c_void_p * max(n_in, 1))()
    shapes = []
    pinned = []
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
            values[i] = h
            i += 1
    out_index = (c_int32 * n_out)(*output_index)
    outs = (OnnxValue * n_out)()
    _check(_lib.aotml_onnx_session_run(session, run_options, n_in, index, bufs, values, n_out, out_index, 0, outs))
    del pinned
    return _wrap_all(outs, n_out, raw)


def onnx_session_end_profiling(session: int) -> str:
    s, n = c_char_p(), c_int64()
    return _take_string(_lib.aotml_onnx_session_end_profiling(c_void_p(session), byref(s), byref(n)), s, n)


def onnx_run_options_new() -> int:
    h = c_void_p()
    _check(_lib.aotml_onnx_run_options_new(byref(h)))
    return h.value or 0


def onnx_run_options_set(handle: int, key: str, value: str) -> None:
    k, v = key.encode(), value.encode()
    _check(_lib.aotml_onnx_run_options_set(c_void_p(handle), k, len(k), v, len(v)))


def onnx_run_options_terminate(handle: int, flag: object) -> None:
    _check(_lib.aotml_onnx_run_options_terminate(c_void_p(handle), 1 if flag else 0))


def onnx_value_from_buffer(obj: object, elem_type: int) -> int:
    arg = _c.get_buffer(obj, "the array")
    try:
        v = OnnxValue()
        _check(_lib.aotml_onnx_value_from_buffer(byref(arg.buf), elem_type, byref(v)))
        return v.handle
    finally:
        arg.release()


def _shape(shape: object) -> tuple[Any, int]:
    dims = tuple(int(d) for d in shape)  # type: ignore[attr-defined]
    return (c_int64 * max(len(dims), 1))(*dims), len(dims)


def onnx_value_from_pointer(address: int, shape: object, elem_type: int) -> int:
    s, n = _shape(shape)
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_from_pointer(c_void_p(address), s, n, elem_type, byref(v)))
    return v.handle


def onnx_value_new(shape: object, elem_type: int) -> int:
    s, n = _shape(shape)
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_new(s, n, elem_type, byref(v)))
    return v.handle


def onnx_value_from_strings(utf8: bytes, offsets: object, shape: object) -> int:
    s, n = _shape(shape)
    count = 1
    for i in range(n):
        count *= max(s[i], 0)
    off = memoryview(offsets).cast("B")  # type: ignore[arg-type]
    if off.nbytes != 8 * (count + 1):
        raise ValueError("string offsets do not match the shape")
    off_arr = (c_int64 * (count + 1)).from_buffer_copy(off)
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_from_strings(bytes(utf8), off_arr, s, n, byref(v)))
    return v.handle


def onnx_value_sequence(handles: object) -> int:
    items = [int(h) for h in handles]  # type: ignore[attr-defined]
    arr = (c_void_p * max(len(items), 1))(*items)
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_sequence(arr, len(items), byref(v)))
    return v.handle


def onnx_value_strings(handle: int) -> list[str]:
    text, offsets, count = c_void_p(), POINTER(c_int64)(), c_int64()
    _check(_lib.aotml_onnx_value_strings(c_void_p(handle), byref(text), byref(offsets), byref(count)))
    try:
        n = count.value
        total = offsets[n]
        raw = ctypes.string_at(text, total) if total else b""
        return [raw[offsets[i]:offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n)]
    finally:
        _lib.aotml_free(text)
        _lib.aotml_free(ctypes.cast(offsets, c_void_p))


def onnx_value_output(handle: int):  # type: ignore[no-untyped-def]
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_describe(c_void_p(handle), byref(v)))
    return _wrap(v)


def onnx_value_describe(handle: int) -> tuple[int, int, tuple[int, ...], int]:
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_describe(c_void_p(handle), byref(v)))
    try:
        return (v.kind, v.elem_type, tuple(v.shape[i] for i in range(v.ndim)), v.data or 0)
    finally:
        _lib.aotml_handle_free(c_void_p(v.handle))


def onnx_value_count(handle: int) -> int:
    n = c_int64()
    _check(_lib.aotml_onnx_value_count(c_void_p(handle), byref(n)))
    return n.value


def onnx_value_element(handle: int, index: int):  # type: ignore[no-untyped-def]
    v = OnnxValue()
    _check(_lib.aotml_onnx_value_element(c_void_p(handle), index, byref(v)))
    return _wrap(v)


def onnx_binding_new(session: int) -> int:
    h = c_void_p()
    _check(_lib.aotml_onnx_binding_new(c_void_p(session), byref(h)))
    return h.value or 0


def onnx_binding_bind(binding: int, output: object, name: str, value: int) -> None:
    n = name.encode()
    _check(_lib.aotml_onnx_binding_bind(c_void_p(binding), 1 if output else 0, n, len(n), c_void_p(value or 0)))


def onnx_binding_clear(binding: int, outputs: object) -> None:
    _check(_lib.aotml_onnx_binding_clear(c_void_p(binding), 1 if outputs else 0))


def onnx_binding_run(binding: int, run_options: int | None) -> None:
    _check(_lib.aotml_onnx_binding_run(c_void_p(binding), c_void_p(run_options or 0)))


def onnx_binding_outputs(binding: int, raw: object) -> list:  # type: ignore[type-arg]
    count = c_int32()
    _check(_lib.aotml_onnx_binding_outputs(c_void_p(binding), None, 0, byref(count)))
    outs = (OnnxValue * max(count.value, 1))()
    _check(_lib.aotml_onnx_binding_outputs(c_void_p(binding), outs, count.value, byref(count)))
    return _wrap_all(outs, count.value, bool(raw))
