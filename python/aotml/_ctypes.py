"""The private engine surface over ctypes: the same functions, arguments and exceptions as ``_ext``.

Used where the compiled extension is absent (or with ``AOTML_BACKEND=ctypes``). ctypes drops the GIL around every
foreign call, so the work runs without it here too. Buffers are taken with ``PyObject_GetBuffer`` through
``ctypes.pythonapi``, which reaches read-only memory without copying, as the extension does.
"""
from __future__ import annotations

import ctypes
import os
import weakref
from ctypes import POINTER, c_char_p, c_double, c_int32, c_int64, c_void_p

from ._errors import from_status

LIBRARY_NAME = "libaotml.so"


def _load() -> ctypes.CDLL:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBRARY_NAME)
    return ctypes.CDLL(path)


lib: ctypes.CDLL = _load()

AXIS_NONE = -(2**31)


class Buffer(ctypes.Structure):
    """``aotml_buffer`` in aotml.h."""

    _fields_ = [
        ("data", c_void_p),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("format", c_char_p),
        ("itemsize", c_int64),
        ("ndim", c_int32),
        ("readonly", c_int32),
    ]


class PyBuffer(ctypes.Structure):
    """CPython's ``Py_buffer`` (part of the stable ABI since 3.11)."""

    _fields_ = [
        ("buf", c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", c_char_p),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("suboffsets", POINTER(c_int64)),
        ("internal", c_void_p),
    ]


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

# Signatures, in the order of aotml.h (a test checks them against the header).
SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "aotml_last_error": (c_int32, [POINTER(c_char_p), POINTER(c_int64)]),
    "aotml_free": (None, [c_void_p]),
    "aotml_handle_free": (c_int32, [c_void_p]),
    "aotml_version": (c_int32, [POINTER(c_char_p)]),
    "aotml_ort_version": (c_int32, [POINTER(c_char_p), POINTER(c_char_p)]),
    "aotml_l2_normalize": (c_int32, [POINTER(Buffer), POINTER(Buffer), c_int32, c_double]),
    "aotml_minmax_scale": (c_int32, [POINTER(Buffer), POINTER(Buffer), c_int32, c_double, c_double]),
    "aotml_standardize": (c_int32, [POINTER(Buffer), POINTER(Buffer), c_int32, c_double, c_int32]),
    "aotml_softmax": (c_int32, [POINTER(Buffer), POINTER(Buffer), c_int32, c_int32]),
    "aotml_layer_norm": (c_int32, [POINTER(Buffer), POINTER(Buffer), POINTER(Buffer), POINTER(Buffer), c_double]),
}


ALL_SIGNATURES: dict[str, tuple[object, list[object]]] = {}


def declare(signatures: dict[str, tuple[object, list[object]]]) -> None:
    """Sets restype/argtypes of each named export (each concern declares its own); a test checks them against aotml.h."""
    ALL_SIGNATURES.update(signatures)
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


declare(SIGNATURES)


def error(status: int) -> BaseException:
    """The exception for a failed call, from this thread's last engine error."""
    msg = c_char_p()
    length = c_int64()
    lib.aotml_last_error(ctypes.byref(msg), ctypes.byref(length))
    raw = ctypes.string_at(msg, length.value) if msg.value is not None else b""
    return from_status(status, raw.decode("utf-8", "replace"))


def check(status: int) -> None:
    if status:
        raise error(status)


class BufferArg:
    """A held Py_buffer of an argument and the aotml_buffer describing it; release() gives it back."""

    __slots__ = ("view", "buf")
    view: PyBuffer | None

    def __init__(self, obj: object, name: str) -> None:
        if not _check_buffer(obj):
            raise TypeError(
                f"{name} must support the buffer protocol (a numpy array, array.array or memoryview), "
                f"not {type(obj).__name__}")
        self.view = PyBuffer()
        if _get_buffer(obj, ctypes.byref(self.view), _PyBUF_RECORDS_RO) < 0:  # pragma: no cover - raised by pythonapi
            raise BufferError(f"cannot get a buffer of {name}")
        v = self.view
        assert v is not None
        self.buf = Buffer(v.buf, v.shape, v.strides, v.format, v.itemsize, v.ndim, v.readonly)

    def release(self) -> None:
        if self.view is not None:
            _release_buffer(ctypes.byref(self.view))
            self.view = None


def get_buffer(obj: object, name: str) -> BufferArg:
    return BufferArg(obj, name)


def native_buffer(address: int, format: str, itemsize: int, shape: tuple[int, ...], owner: int = 0,
                  owner_kind: int = 0) -> memoryview:
    """A memoryview over engine memory, freed (aotml_free, or aotml_handle_free of owner) once no view remains."""
    count = 1
    for d in shape:
        count *= d
    raw = (ctypes.c_char * (count * itemsize)).from_address(address) if count else (ctypes.c_char * 0)()
    if owner_kind == 0:
        weakref.finalize(raw, lib.aotml_free, c_void_p(address))
    elif owner_kind == 1:
        weakref.finalize(raw, lib.aotml_handle_free, c_void_p(owner))
    view = memoryview(raw).cast("B")
    # memoryview cannot take a shape with a zero in it: an empty result stays one-dimensional.
    return view.cast(format, shape) if count else view.cast(format)


def version() -> str:
    v = c_char_p()
    check(lib.aotml_version(ctypes.byref(v)))
    return (v.value or b"").decode()


def ort_version() -> tuple[str, str]:
    v, p = c_char_p(), c_char_p()
    check(lib.aotml_ort_version(ctypes.byref(v), ctypes.byref(p)))
    return (v.value or b"").decode(), (p.value or b"").decode()


def handle_free(handle: int) -> None:
    check(lib.aotml_handle_free(c_void_p(handle)))


from ._ctypes_numerics import *  # noqa: E402,F401,F403  (each concern's functions)
from ._ctypes_tiktoken import *  # noqa: E402,F401,F403
from ._ctypes_onnx import *  # noqa: E402,F401,F403
