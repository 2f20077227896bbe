"""OrtValue: a tensor (or sequence/map) ORT takes or gives, and the conversion of engine outputs to Python."""
from __future__ import annotations

from collections import abc as _abc
from typing import Any

import numpy as np

from .. import _handles
from .._errors import InvalidArgument
from ._common import ELEM_OF, KIND_NAMES, NUMPY_OF, STRING, TYPE_NAMES, cpu_only, impl, onnx_int

__all__ = ["OrtValue", "OrtValueVector"]


class OrtValue:
    """A tensor (or sequence/map) ORT can take or give. ``ortvalue_from_numpy`` shares the array's memory.

    A value over a caller's array keeps that array alive, and so does every numpy array it hands out. Values over
    caller memory refuse copy and pickle (a copy could not share the caller's memory); the others pickle by content.
    """

    def __init__(self, owner: _handles.Owner, keepalive: np.ndarray | None = None, foreign: bool = False,
                 session: object = None, copied: bool = False) -> None:
        self._owner = owner
        self._keepalive = keepalive   # the caller's array whose memory the value reads and writes
        self._foreign = foreign or keepalive is not None
        self._session = session       # the owner of the session that made the value, kept alive with it
        self._copied = copied         # made over a contiguous copy of a caller's array: writes would not reach it

    @property
    def _h(self) -> int:
        return self._owner.h

    @staticmethod
    def ortvalue_from_numpy(numpy_obj: Any, device_type: str = "cpu", device_id: int = 0,
                            vendor_id: int = -1) -> OrtValue:
        """A tensor over `numpy_obj`'s memory (no copy; the array is kept alive). A non-contiguous array is copied
        first (such a value cannot be an output: the run would write the copy). Strings become a string tensor."""
        cpu_only(device_type)
        arr = np.asarray(numpy_obj)
        if arr.dtype.kind in "UOS":
            return OrtValue(_handles.own(string_tensor(arr)))
        copied = not arr.flags.c_contiguous
        if copied:
            arr = arr.copy(order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        return OrtValue(_handles.own(impl().onnx_value_from_buffer(arr, 0)), arr, copied=copied)

    @staticmethod
    def ortvalue_from_numpy_with_onnx_type(array: Any, onnx_element_type: int) -> OrtValue:
        """Like ortvalue_from_numpy, naming the ONNX element type: 16 (bfloat16) reads a uint16 array's bits."""
        arr = np.asarray(array)
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")
        return OrtValue(_handles.own(impl().onnx_value_from_buffer(arr, int(onnx_element_type))), arr)

    @staticmethod
    def ortvalue_from_shape_and_type(shape: _abc.Sequence[int], element_type: Any = np.float32, device_type: str = "cpu",
                                     device_id: int = 0) -> OrtValue:
        """A zero-filled tensor ORT allocates."""
        cpu_only(device_type)
        onnx_type = onnx_int(element_type)  # an ONNX element type (onnx.TensorProto.BFLOAT16, ...)
        if onnx_type is not None:
            elem = onnx_type
            if elem not in TYPE_NAMES:
                raise InvalidArgument(f"{elem} is not an ONNX tensor element type")
        else:
            dt = np.dtype(element_type)
            if dt.kind in "UOS":
                elem = STRING
            elif dt in ELEM_OF:
                elem = ELEM_OF[dt]
            else:
                raise InvalidArgument(f"numpy dtype {dt} has no ONNX tensor type")
        return OrtValue(_handles.own(impl().onnx_value_new(tuple(int(d) for d in shape), elem)))

    def _describe(self) -> tuple[int, int, tuple[int, ...], int]:
        return impl().onnx_value_describe(self._h)

    def numpy(self) -> Any:
        """The tensor as a numpy array sharing the value's memory (strings, sequences and maps are converted; an
        empty optional is None).

        Over a caller's array, the result is a view of that array, so it keeps the memory it reads alive."""
        keep = self._keepalive
        if keep is not None:
            return keep.reshape(self._describe()[2])
        return convert(impl().onnx_value_output(self._h), "value")

    def shape(self) -> list[int]:
        return list(self._describe()[2])

    def data_type(self) -> str:
        kind, elem, _, _ = self._describe()
        if kind == 1:
            return f"tensor({TYPE_NAMES.get(elem, elem)})"
        return KIND_NAMES.get(kind, "unknown")

    def element_type(self) -> int:
        """The ONNX element type (onnx.TensorProto.FLOAT, ...) of the tensor, or of a sequence's tensors."""
        kind, elem, _, _ = self._describe()
        if kind == 2:
            backend = impl()
            if backend.onnx_value_count(self._h) == 0:
                raise InvalidArgument("an empty sequence has no element type here")
            first = backend.onnx_value_element(self._h, 0)
            if type(first) is tuple:
                inner = _handles.own(first[0])
                kind, elem = first[1], first[2]
                del inner
            else:
                kind, elem = 1, ELEM_OF.get(first.dtype, 0)
        if kind != 1:
            raise InvalidArgument(f"element_type() needs a tensor or a sequence of tensors, not a "
                                  f"{KIND_NAMES.get(kind, kind)}")
        return int(elem)

    def data_ptr(self) -> int:
        return self._describe()[3]

    def is_tensor(self) -> bool:
        return self._describe()[0] == 1

    def has_value(self) -> bool:
        """False for an empty optional (an optional output that holds nothing)."""
        return self._describe()[0] != 6

    def tensor_size_in_bytes(self) -> int:
        """Bytes the tensor's elements take (for strings, ORT's per-element std::string objects)."""
        kind, elem, shape, _ = self._describe()
        if kind != 1:
            raise InvalidArgument(f"tensor_size_in_bytes() needs a tensor, not a {KIND_NAMES.get(kind, kind)}")
        count = int(np.prod(shape, dtype=np.int64))
        size = _STRING_OBJECT_SIZE if elem == STRING else _ELEMENT_SIZES.get(elem)
        if size is None:
            raise InvalidArgument(f"tensor({TYPE_NAMES.get(elem, elem)}) has no whole-byte element size")
        return count * size

    def update_inplace(self, np_arr: Any) -> None:
        """Copies `np_arr` into the tensor's memory (same element count and dtype), keeping its address."""
        kind, elem, shape, _ = self._describe()
        if kind != 1 or elem == STRING or elem not in NUMPY_OF:
            raise InvalidArgument("update_inplace() needs a numeric tensor")
        src = np.asarray(np_arr)
        want = np.dtype(NUMPY_OF[elem])
        if src.dtype != want:
            raise InvalidArgument(f"update_inplace() needs a {want} array for this tensor, given {src.dtype}")
        count = int(np.prod(shape, dtype=np.int64))
        if src.size != count:
            raise InvalidArgument(f"update_inplace() needs {count} elements (shape {list(shape)}), given {src.size}")
        dst = self._keepalive if self._keepalive is not None else self.numpy()
        if not dst.flags.writeable:
            raise InvalidArgument("this tensor is over read-only memory")
        np.copyto(dst.reshape(-1), src.reshape(-1))

    def device_name(self) -> str:
        return "cpu"

    def __reduce__(self) -> Any:
        if self._foreign:
            _handles.refuse_copy(self, "it shares a caller's memory; copy the array and make a new OrtValue")
        kind, elem, _, _ = self._describe()
        if kind != 1:
            _handles.refuse_copy(self, f"only tensors pickle by content, and this value is a {KIND_NAMES.get(kind)}")
        content = np.array(self.numpy(), copy=True)
        if elem == STRING:
            return (OrtValue.ortvalue_from_numpy, (content,))
        return (OrtValue.ortvalue_from_numpy_with_onnx_type, (content, elem))

    def __repr__(self) -> str:
        return f"OrtValue({self.data_type()}, shape={self.shape()})"


_ELEMENT_SIZES = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2,
                  17: 1, 18: 1, 19: 1, 20: 1}
_STRING_OBJECT_SIZE = 32  # sizeof(std::string) in the libstdc++ ORT is built with


class OrtValueVector:
    """A list of OrtValues, as onnxruntime's run_with_ortvaluevector and IOBinding.get_outputs_as_ortvaluevector
    use them."""

    def __init__(self, values: _abc.Iterable[OrtValue] = ()) -> None:
        self._values: list[OrtValue] = list(values)

    def push_back(self, value: OrtValue) -> None:
        if not isinstance(value, OrtValue):
            raise TypeError(f"an OrtValueVector holds OrtValues, not {type(value).__name__}")
        self._values.append(value)

    def reserve(self, n: int) -> None:
        """Nothing to do: a Python list grows as needed."""

    def shrink_to_fit(self) -> None:
        """Nothing to do: a Python list grows as needed."""

    def clear(self) -> None:
        self._values.clear()

    def element_type_at(self, index: int) -> int:
        return self._values[index].element_type()

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, index: int) -> OrtValue:
        return self._values[index]

    def __iter__(self) -> _abc.Iterator[OrtValue]:
        return iter(self._values)

    def __repr__(self) -> str:
        return f"OrtValueVector({self._values!r})"


def string_tensor(arr: np.ndarray) -> int:
    """A string tensor handle from a str/bytes/object array (UTF-8)."""
    flat = arr.reshape(-1)
    parts = [s.encode("utf-8", "surrogateescape") if isinstance(s, str) else bytes(s) for s in flat.tolist()]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    if parts:
        np.cumsum([len(p) for p in parts], out=offsets[1:])
    return impl().onnx_value_from_strings(b"".join(parts), offsets, arr.shape)


def convert(out: Any, name: str) -> Any:
    """An engine output in Python form: arrays pass through; strings, sequences and maps are built here."""
    if type(out) is not tuple:
        return out
    owner = _handles.own(out[0])
    kind, elem, shape = out[1], out[2], out[3]
    backend = impl()
    if kind == 1 and elem == STRING:
        return np.array(backend.onnx_value_strings(owner.h), dtype=object).reshape(shape)
    if kind == 2:
        return [convert(backend.onnx_value_element(owner.h, i), name) for i in range(backend.onnx_value_count(owner.h))]
    if kind == 6:  # an optional that holds nothing
        return None
    if kind == 3:
        keys = convert(backend.onnx_value_element(owner.h, 0), name)
        values = convert(backend.onnx_value_element(owner.h, 1), name)
        return dict(zip(np.asarray(keys).tolist(), np.asarray(values).tolist()))
    what = f"tensor({TYPE_NAMES.get(elem, elem)})" if kind == 1 else KIND_NAMES.get(kind, str(kind))
    raise InvalidArgument(f"output '{name}' is of type {what}, which aotml cannot convert to Python "
                          "(numeric and string tensors, sequences and maps are supported)")
