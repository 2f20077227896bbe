"""What every part of the ONNX Runtime drop-in shares: the element-type tables and the backend lookup."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from .._errors import InvalidArgument

# ONNXTensorElementDataType <-> numpy
NUMPY_OF = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
            9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64, 16: np.uint16}
ELEM_OF = {np.dtype(np.float32): 1, np.dtype(np.uint8): 2, np.dtype(np.int8): 3, np.dtype(np.uint16): 4,
           np.dtype(np.int16): 5, np.dtype(np.int32): 6, np.dtype(np.int64): 7, np.dtype(np.bool_): 9,
           np.dtype(np.float16): 10, np.dtype(np.float64): 11, np.dtype(np.uint32): 12, np.dtype(np.uint64): 13}
TYPE_NAMES = {1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
              9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64",
              15: "complex128", 16: "bfloat16"}
STRING = 8
KIND_NAMES = {0: "unknown", 1: "tensor", 2: "sequence", 3: "map", 4: "opaque", 5: "sparse tensor", 6: "optional"}


def impl() -> Any:  # the backend can be switched at run time (tests do), so it is looked up on each call
    return _backend.impl


def cpu_only(device_type: str) -> None:
    if str(device_type).lower() != "cpu":
        raise InvalidArgument(f"device_type {device_type!r} is not supported: aotml binds CPU memory only")


def onnx_int(element_type: Any) -> int | None:
    """An element type given as an ONNX enum value (onnx.TensorProto.FLOAT is 1), else None (a numpy dtype)."""
    if isinstance(element_type, bool) or not isinstance(element_type, (int, np.integer)):
        return None
    return int(element_type)


def elem_of(element_type: Any) -> int:
    """The ONNX element type of a numpy dtype, or an ONNX element type given as an int (onnx.TensorProto.FLOAT)."""
    onnx_type = onnx_int(element_type)
    if onnx_type is not None:
        if onnx_type not in NUMPY_OF:
            raise InvalidArgument(f"ONNX element type {onnx_type} ({TYPE_NAMES.get(onnx_type, 'unknown')}) "
                                  "cannot be bound from memory")
        return onnx_type
    dt = np.dtype(element_type)
    if dt not in ELEM_OF:
        raise InvalidArgument(f"numpy dtype {dt} has no ONNX tensor type that can be bound from memory")
    return ELEM_OF[dt]


def numpy_name(elem: int) -> str:
    t = NUMPY_OF.get(elem)
    return "str" if elem == STRING else (np.dtype(t).name if t is not None else TYPE_NAMES.get(elem, str(elem)))
