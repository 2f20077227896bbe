# mypy: ignore-errors
# (ctypes stubs cannot express the nullable addresses and duck-typed kinds these helpers pass; _ext.pyi states the surface)
"""The private engine surface over ctypes: the same functions, arguments and exceptions as ``_ext``.

Used where the compiled extension is absent (or with ``AOTML_BACKEND=ctypes``). Each argument and result kind is
converted here once (``_conv_<kind>``/``_res_<kind>``, mirroring ``aotml_conv_<kind>`` in _ext.c, with the same accepted
types, overflow behaviour and messages); ``_ctypes_generated.py`` strings them together for every export. ctypes drops
the GIL around every foreign call. Buffers are taken with ``PyObject_GetBuffer`` through ``ctypes.pythonapi``, which
reaches read-only memory without copying, as the extension does.
"""
from __future__ import annotations

import ctypes
import operator
import os
import time
import weakref
from array import array
from ctypes import POINTER, c_char_p, c_int32, c_int64, c_uint32, c_void_p
from typing import Any

from ._errors import INVALID_ARGUMENT, KEY, from_status

LIBRARY_NAME = "libaotml.so"


def _load() -> ctypes.CDLL:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBRARY_NAME)
    return ctypes.CDLL(path)


lib: ctypes.CDLL = _load()
_lib = lib
AXIS_NONE = -(2**31)
_I32 = 2**31 - 1
_I64 = 2**63 - 1


class Buffer(ctypes.Structure):
    """``aotml_buffer`` in aotml.h."""

    _fields_ = [("data", c_void_p), ("shape", POINTER(c_int64)), ("strides", POINTER(c_int64)), ("format", c_char_p),
                ("itemsize", c_int64), ("ndim", c_int32), ("readonly", c_int32)]


class OnnxValue(ctypes.Structure):
    """``aotml_onnx_value`` in aotml.h."""

    _fields_ = [("handle", c_void_p), ("data", c_void_p), ("shape", POINTER(c_int64)), ("ndim", c_int32),
                ("kind", c_int32), ("elem_type", c_int32), ("reserved", c_int32)]


class PyBuffer(ctypes.Structure):
    """CPython's ``Py_buffer`` (part of the stable ABI since 3.11)."""

    _fields_ = [("buf", c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", c_char_p), ("shape", POINTER(c_int64)), ("strides", POINTER(c_int64)),
                ("suboffsets", POINTER(c_int64)), ("internal", c_void_p)]


_PyBUF_SIMPLE = 0
_PyBUF_RECORDS_RO = 0x0010 | 0x0008 | 0x0004  # STRIDES | ND | FORMAT
_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, POINTER(PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [POINTER(PyBuffer)]
_release_buffer.restype = None
_check_buffer = ctypes.pythonapi.PyObject_CheckBuffer
_check_buffer.argtypes = [ctypes.py_object]
_check_buffer.restype = ctypes.c_int

for _name, _sig in {"aotml_last_error": (c_int32, [c_void_p, c_void_p]), "aotml_free": (None, [c_void_p]),
                    "aotml_handle_free": (c_int32, [c_void_p])}.items():
    getattr(lib, _name).restype, getattr(lib, _name).argtypes = _sig


def _error(status: int) -> BaseException:
    """The exception for a failed call, from this thread's last engine error."""
    msg = c_char_p()
    length = c_int64()
    lib.aotml_last_error(ctypes.byref(msg), ctypes.byref(length))
    raw = ctypes.string_at(msg, length.value) if msg.value is not None else b""
    return from_status(status, raw.decode("utf-8", "replace"))


error = _error


def check(status: int) -> None:
    if status:
        raise _error(status)


def _type_error(what: str, name: str, obj: object) -> TypeError:
    verb = "" if what.startswith("support ") else "be "
    return TypeError(f"{name} must {verb}{what}, not {type(obj).__name__}")


# ---- fork gate ---------------------------------------------------------------------------------------------------------
# As in _ext.c: every call that drops the GIL is inside the gate; a fork closes it and waits until no call is. Here the
# gate is entered just before the foreign call (ctypes drops the GIL inside it) and left after; the waiting fork sleeps,
# which drops the GIL so that returning calls can leave. list.append/pop are atomic under the GIL: len() is the count.
_inside: list[int] = []
_closed = False


def _enter() -> None:
    while True:
        _inside.append(1)
        if not _closed:
            return
        _inside.pop()
        while _closed:
            time.sleep(0.0002)


def _leave() -> None:
    _inside.pop()


def _fork_before() -> None:
    global _closed
    _closed = True
    while _inside:
        time.sleep(0.0002)


def _fork_after_parent() -> None:
    global _closed
    _closed = False


def _fork_after_child() -> None:
    global _closed
    _inside.clear()
    _closed = False


os.register_at_fork(before=_fork_before, after_in_parent=_fork_after_parent, after_in_child=_fork_after_child)


# ---- Handle ------------------------------------------------------------------------------------------------------------
class Handle:
    """The one owner of an engine object: freed once, by close() or when the last reference goes."""

    __slots__ = ("_value", "_calls", "_closed")

    def __new__(cls, *args: object, **kwargs: object) -> Handle:
        raise TypeError("aotml handles are made by the engine only")

    def close(self) -> None:
        """Frees the engine object now (once; later calls do nothing)."""
        if self._closed:
            return
        self._closed = True
        if not self._calls:
            self._free()

    @property
    def closed(self) -> bool:
        return self._closed

    def _free(self) -> None:
        v, self._value = self._value, 0
        if v:
            check(lib.aotml_handle_free(v))

    def _done(self) -> None:
        self._calls -= 1
        if self._closed and not self._calls:
            self._free()

    def __del__(self, _free: Any = lib.aotml_handle_free) -> None:
        v = getattr(self, "_value", 0)
        if v:
            self._value = 0
            _free(v)

    def __repr__(self) -> str:
        return "<aotml._ctypes.Handle closed>" if self._closed else "<aotml._ctypes.Handle>"

    def _no_copy(self, *args: object) -> Any:
        raise TypeError("an aotml engine handle cannot be copied/pickled; copy or pickle the object that owns it "
                        "(objects that can be rebuilt from their content pickle that way)")

    __copy__ = __deepcopy__ = __reduce__ = __reduce_ex__ = __getstate__ = _no_copy


def _new_handle(value: int) -> Handle:
    h = object.__new__(Handle)
    h._value = value
    h._calls = 0
    h._closed = False
    return h


def _acquire(obj: object, name: str) -> int:
    if type(obj) is Handle:
        if obj._closed:  # type: ignore[attr-defined]
            raise from_status(INVALID_ARGUMENT, f"{name} was closed: its engine object is freed")
        obj._calls += 1  # type: ignore[attr-defined]
        return obj._value  # type: ignore[attr-defined]
    if type(obj).__name__ == "Handle":
        raise TypeError(f"{name} is a handle of another aotml backend ({type(obj)!r}); objects made on one backend "
                        "are used on that backend")
    raise _type_error("an aotml handle", name, obj)


def handle_free(handle: object) -> None:
    """Closes a handle (frees its engine object once; idempotent, as close())."""
    if type(handle) is not Handle:
        _acquire(handle, "handle")
    handle.close()  # type: ignore[attr-defined]


# ---- argument kinds: _conv_<kind>(obj, name[, held]) -> what the generated call passes ----------------------------------
def _conv_handle(obj: object, name: str, held: list) -> int:  # type: ignore[type-arg]
    v = _acquire(obj, name)
    held.append(obj)
    return v


def _conv_opt_handle(obj: object, name: str, held: list) -> int | None:  # type: ignore[type-arg]
    return None if obj is None else _conv_handle(obj, name, held)


def _conv_text(obj: object, name: str) -> bytes:
    """UTF-8 of a str (never a subclass's encode()); lone surrogates become U+FFFD, as tiktoken does."""
    if not isinstance(obj, str):
        raise _type_error("a str", name, obj)
    try:
        return str.encode(obj, "utf-8")
    except UnicodeEncodeError:
        return str.encode(obj, "utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _conv_texts(obj: object, name: str) -> tuple[Any, Any, int]:
    if isinstance(obj, str) or not hasattr(type(obj), "__getitem__") or not hasattr(type(obj), "__len__"):
        raise _type_error("a sequence of str", name, obj)
    encoded = [_conv_text(t, "text") for t in tuple(obj)]  # type: ignore[call-overload]
    n = len(encoded)
    return (c_char_p * max(1, n))(*encoded), (c_int64 * max(1, n))(*map(len, encoded)), n


def _conv_str(obj: object, name: str) -> bytes:
    if not isinstance(obj, str):
        raise _type_error("a str", name, obj)
    return str.encode(obj, "utf-8")


def _conv_opt_str(obj: object, name: str) -> bytes | None:
    return None if obj is None else _conv_str(obj, name)


class _HeldBuffer:
    """A held Py_buffer of an argument; the aotml_buffer describing it is .buf; _done() gives it back."""

    __slots__ = ("view", "buf", "ref")

    def __init__(self, obj: object, name: str, flags: int, what: str) -> None:
        self.view: PyBuffer | None = None
        if isinstance(obj, str) or not _check_buffer(obj):
            raise _type_error(what, name, obj)
        view = PyBuffer()
        try:
            _get_buffer(obj, ctypes.byref(view), flags)
        except Exception:  # noqa: BLE001  (as _ext.c: whatever the exporter says, the message names the argument)
            raise _type_error(what, name, obj) from None
        self.view = view
        self.buf = Buffer(view.buf, view.shape, view.strides, view.format, view.itemsize, view.ndim, view.readonly)
        self.ref = ctypes.byref(self.buf)

    def _done(self) -> None:
        if self.view is not None:
            _release_buffer(ctypes.byref(self.view))
            self.view = None


def _conv_bytes(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    if type(obj) is bytes:
        return obj, len(obj)
    b = _HeldBuffer(obj, name, _PyBUF_SIMPLE, "a C-contiguous bytes-like object")
    held.append(b)
    assert b.view is not None
    return b.view.buf, b.view.len


def _conv_opt_bytes(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    return (None, 0) if obj is None else _conv_bytes(obj, name, held)


def _whole(v: tuple[Any, int], name: str, size: int, what: str) -> tuple[Any, int]:
    if v[1] % size:
        raise ValueError(f"{name} must hold whole {what} values, not {v[1]} bytes")
    return v


def _conv_i64s(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    return _whole(_conv_bytes(obj, name, held), name, 8, "int64")


def _conv_u32s(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    return _whole(_conv_bytes(obj, name, held), name, 4, "uint32")


def _int(obj: object, name: str, lo: int, hi: int, ctype: str) -> int:
    """An int (bool refused: decided once, for every integer argument) in [lo, hi]; OverflowError outside."""
    if isinstance(obj, bool):
        raise _type_error("an int", name, obj)
    v = operator.index(obj)  # type: ignore[arg-type]
    if v < lo or v > hi:
        raise OverflowError(f"{name}={v!r} does not fit in {ctype}")
    return v


def _conv_i32(obj: object, name: str) -> int:
    return _int(obj, name, -_I32 - 1, _I32, "int32")


def _conv_i64(obj: object, name: str) -> int:
    return _int(obj, name, -_I64 - 1, _I64, "int64")


def _conv_threads(obj: object, name: str) -> int:
    v = _int(obj, name, -_I64 - 1, _I64, "int64")
    if v < 1 or v > 1024:
        raise ValueError(f"{name} must be between 1 and 1024, got {v}")
    return v


def _conv_axis(obj: object, name: str) -> int:
    """None is the whole array; an int outside int32 is an out-of-bounds axis (ValueError, as numpy's AxisError)."""
    if obj is None:
        return AXIS_NONE
    if isinstance(obj, bool):
        raise _type_error("an int or None", name, obj)
    v = operator.index(obj)  # type: ignore[arg-type]
    if v < -_I32 or v > _I32:
        raise from_status(INVALID_ARGUMENT, f"{name} {v!r} is out of bounds")
    return v


def _bad_token(value: object) -> BaseException:
    return from_status(KEY, f"Invalid token for decoding: {value!r}")


def _token(obj: object) -> int:
    if isinstance(obj, bool):
        raise _type_error("an int", "token", obj)
    v = operator.index(obj)  # type: ignore[arg-type]
    if v < 0 or v > 0xFFFFFFFF:
        raise _bad_token(obj)
    return v


def _conv_token(obj: object, name: str) -> int:
    return _token(obj)


def _conv_address(obj: object, name: str) -> int:
    return _int(obj, name, 0, 2**64 - 1, "uint64")


def _conv_f64(obj: object, name: str) -> float:
    if type(obj) is float:
        return obj
    t = type(obj)
    if not (hasattr(t, "__float__") or hasattr(t, "__index__")):
        raise TypeError(f"must be real number, not {t.__name__}")
    return float(obj)  # type: ignore[arg-type]


def _conv_bool(obj: object, name: str) -> int:
    return 1 if obj else 0


_conv_flag = _conv_bool

_SIGNED = {1: "b", 2: "h", 4: "i", 8: "q"}
_UNSIGNED = {1: "B", 2: "H", 4: "I", 8: "Q"}


def _conv_ids(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    """Token ids from a sequence of ints or a 1-D integer buffer (any strides); uint32 C-contiguous is read in place."""
    if isinstance(obj, (str, bytes, bytearray)):
        raise _type_error("a sequence of ints", name, obj)
    if _check_buffer(obj):
        b = _HeldBuffer(obj, name, _PyBUF_RECORDS_RO, "a sequence of ints")
        held.append(b)
        v = b.view
        assert v is not None
        fmt = (v.format or b"B").decode("ascii", "replace")
        f = fmt[1:] if fmt[:1] in ("@", "=", "<") else fmt
        if v.ndim != 1:
            raise _type_error("a sequence of ints", name, obj)
        if len(f) != 1 or f not in "bBhHiIlLqQ" or v.itemsize not in (1, 2, 4, 8):
            raise TypeError(f"{name} must be integers; got a buffer of format '{fmt}'")
        n = v.shape[0]
        stride = v.strides[0] if v.strides else v.itemsize
        if f == "I" and v.itemsize == 4 and stride == 4:
            return v.buf, n
        code = (_UNSIGNED if f in "BHILQ" else _SIGNED)[v.itemsize]
        if n and stride == v.itemsize:
            values = memoryview((ctypes.c_char * (n * v.itemsize)).from_address(v.buf)).cast("B").cast(code).tolist()
        else:
            values = [memoryview(ctypes.string_at(v.buf + i * stride, v.itemsize)).cast(code)[0] for i in range(n)]
        ids = array("I")
        for x in values:
            if x < 0 or x > 0xFFFFFFFF:
                raise _bad_token(x)
            ids.append(x)
    else:
        if not hasattr(type(obj), "__iter__"):
            raise _type_error("a sequence of ints", name, obj)
        ids = array("I", [_token(t) for t in tuple(obj)])  # type: ignore[call-overload]
    held.append(_Keep(ids))
    return ids.buffer_info()[0], len(ids)


class _Keep:
    """Keeps a temporary alive until the call is done."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def _done(self) -> None:
        self.obj = None


def _conv_shape(obj: object, name: str) -> tuple[Any, int]:
    if isinstance(obj, str) or not hasattr(type(obj), "__getitem__"):
        raise _type_error("a sequence of ints", name, obj)
    dims = [_int(d, name, -_I64 - 1, _I64, "int64") for d in tuple(obj)]  # type: ignore[call-overload]
    if len(dims) > 64:
        raise ValueError(f"{name} has {len(dims)} dimensions; at most 64")
    return (c_int64 * max(len(dims), 1))(*dims), len(dims)


def _conv_handles(obj: object, name: str, held: list) -> tuple[Any, int]:  # type: ignore[type-arg]
    if isinstance(obj, str) or not hasattr(type(obj), "__getitem__"):
        raise _type_error("a sequence of handles", name, obj)
    values = [_conv_handle(h, name, held) for h in tuple(obj)]  # type: ignore[call-overload]
    return (c_void_p * max(len(values), 1))(*values), len(values)


def _conv_buffer(obj: object, name: str, held: list) -> _HeldBuffer:  # type: ignore[type-arg]
    b = _HeldBuffer(obj, name, _PyBUF_RECORDS_RO, "support the buffer protocol (a numpy array, array.array or memoryview)")
    held.append(b)
    return b


class _NoBuffer:
    ref = None


def _conv_opt_buffer(obj: object, name: str, held: list) -> Any:  # type: ignore[type-arg]
    return _NoBuffer if obj is None else _conv_buffer(obj, name, held)


def _scratch_ids(capacity: int) -> Any:
    return (c_uint32 * max(1, capacity))()


# ---- result kinds -------------------------------------------------------------------------------------------------------
def native_buffer(address: int, format: str, itemsize: int, shape: tuple[int, ...], owner: object = None) -> memoryview:
    """A memoryview over engine memory: freed with aotml_free once no view remains, or kept alive by `owner`."""
    count = 1
    for d in shape:
        count *= d
    if not count:  # memoryview cannot take a shape with a zero in it: an empty result stays one-dimensional
        if owner is None and address:
            lib.aotml_free(c_void_p(address))
        return memoryview(b"").cast(format)
    raw = (ctypes.c_char * (count * itemsize)).from_address(address)
    if owner is None:
        weakref.finalize(raw, lib.aotml_free, c_void_p(address))
    else:
        raw._owner = owner  # type: ignore[attr-defined]  # the view keeps what it views alive
    return memoryview(raw).cast("B").cast(format, shape)


def _res_handle(value: int | None) -> Handle:
    return _new_handle(value or 0)


def _res_static_str(value: bytes | None) -> str:
    return (value or b"").decode("utf-8", "replace")


def _res_str(address: int | None, length: int) -> str:
    try:
        return ctypes.string_at(address, length).decode("utf-8", "replace") if address else ""
    finally:
        lib.aotml_free(address)


def _res_bytes(address: int | None, length: int) -> bytes:
    try:
        return ctypes.string_at(address, length) if address else b""
    finally:
        lib.aotml_free(address)


def _res_token_bytes(address: int | None, length: int) -> bytes:
    return ctypes.string_at(address, length) if address else b""


def _res_ids(address: int | None, n: int) -> memoryview:
    return native_buffer(address or 0, "I", 4, (n,))


def _res_value_handle(v: OnnxValue) -> Handle:
    return _new_handle(v.handle or 0)


# struct-module format and item size of numeric element types (bfloat16 as uint16 bit patterns).
_FORMATS = {1: ("f", 4), 2: ("B", 1), 3: ("b", 1), 4: ("H", 2), 5: ("h", 2), 6: ("i", 4), 7: ("q", 8),
            9: ("?", 1), 10: ("e", 2), 11: ("d", 8), 12: ("I", 4), 13: ("Q", 8), 16: ("H", 2)}
_np = None


def _numpy():  # type: ignore[no-untyped-def]
    global _np
    if _np is None:
        import numpy
        _np = numpy
    return _np


def _res_value(v: OnnxValue) -> Any:
    """A numpy array over a numeric tensor (its base keeps the value's Handle alive), or (Handle, kind, elem, shape)."""
    owner = _new_handle(v.handle or 0)
    shape = tuple(v.shape[i] for i in range(v.ndim))
    fmt = _FORMATS.get(v.elem_type) if v.kind == 1 else None
    if fmt is None:
        return (owner, v.kind, v.elem_type, shape)
    np = _numpy()
    if not v.data:  # an empty tensor: no memory to share; the value is done with
        owner.close()
        return np.empty(shape, dtype=fmt[0])
    if fmt[0] == "e":  # memoryview cannot cast to half floats: share the bits as uint16, view them as float16
        return np.asarray(native_buffer(v.data, "H", 2, shape, owner)).view(np.float16)
    return np.asarray(native_buffer(v.data, fmt[0], fmt[1], shape, owner))


def _result_ranks(blob: int | None, blob_len: int, offsets: int | None, ranks: int | None,
                  count: int) -> tuple[bytes, bytes, bytes]:
    try:
        return (ctypes.string_at(blob, blob_len) if blob_len else b"", ctypes.string_at(offsets, 8 * (count + 1)),
                ctypes.string_at(ranks, 4 * count) if count else b"")
    finally:
        for p in (blob, offsets, ranks):
            lib.aotml_free(p)


def _result_mergeable(blob: int | None, offsets: int | None, ranks: int | None,
                      count: int) -> tuple[bytes, bytes, bytes]:
    off = ctypes.string_at(offsets, 4 * (count + 1))
    blob_len = int.from_bytes(off[-4:], "little", signed=True)
    return (ctypes.string_at(blob, blob_len) if blob_len else b"", off,
            ctypes.string_at(ranks, 4 * count) if count else b"")


def _result_ragged(ids: int | None, offsets: int | None, texts: tuple[Any, Any, int], flat: int) -> Any:
    n = texts[2]
    off = (c_int64 * (n + 1)).from_address(offsets or 0)
    total = off[n]
    if flat:
        return native_buffer(ids or 0, "I", 4, (total,)), native_buffer(offsets or 0, "q", 8, (n + 1,))
    try:
        flat_ids = (c_uint32 * max(1, total)).from_address(ids or 0)
        return [flat_ids[off[i]:off[i + 1]] for i in range(n)]
    finally:
        lib.aotml_free(ids)
        lib.aotml_free(offsets)


def _result_nul_list(address: int | None, length: int) -> list[str]:
    return _res_str(address, length).split("\0")


def _result_strings(utf8: int | None, offsets: int | None, count: int) -> list[str]:
    try:
        off = (c_int64 * (count + 1)).from_address(offsets or 0)
        raw = ctypes.string_at(utf8, off[count]) if utf8 and off[count] else b""
        return [raw[off[i]:off[i + 1]].decode("utf-8", "surrogateescape") for i in range(count)]
    finally:
        lib.aotml_free(utf8)
        lib.aotml_free(offsets)


def _result_bytes_list(blob: int | None, offsets: int | None, count: int) -> list[bytes]:
    try:
        off = (c_int64 * (count + 1)).from_address(offsets or 0)
        raw = ctypes.string_at(blob, off[count]) if blob and off[count] else b""
        return [raw[off[i]:off[i + 1]] for i in range(count)]
    finally:
        lib.aotml_free(blob)
        lib.aotml_free(offsets)


def _result_describe(v: OnnxValue) -> tuple[int, int, tuple[int, ...], int]:
    try:
        return (v.kind, v.elem_type, tuple(v.shape[i] for i in range(v.ndim)), v.data or 0)
    finally:
        lib.aotml_handle_free(c_void_p(v.handle))


from ._ctypes_generated import *  # noqa: E402,F401,F403  (every export's wrapper)
from ._ctypes_generated import SIGNATURES  # noqa: E402
from ._ctypes_onnx import onnx_binding_outputs, onnx_session_run  # noqa: E402,F401  (hand-written)


def texts_are_utf8(texts: list[str], /) -> bool:
    """Whether no str of the list holds a lone surrogate (one UTF-8 encode of them all)."""
    joined = "".join(texts)
    try:
        if not joined.isascii():
            joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

ALL_SIGNATURES = SIGNATURES
