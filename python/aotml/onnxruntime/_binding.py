"""IOBinding: inputs and outputs bound to a session ahead of its runs."""
from __future__ import annotations

from collections import abc as _abc
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from .. import _handles
from .._errors import InvalidArgument
from ._common import cpu_only, elem_of, impl
from ._values import OrtValue, OrtValueVector, convert

if TYPE_CHECKING:
    from ._session import InferenceSession

__all__ = ["IOBinding"]


class IOBinding:
    """Inputs and outputs bound ahead of runs (onnxruntime's IOBinding). One binding per thread.

    A binding keeps its session alive and raises once that session has been released explicitly; it keeps every
    array it binds alive, and the arrays it returns keep the memory they view alive. It cannot be copied or
    pickled (it names memory of this process).
    """

    def __init__(self, session: InferenceSession) -> None:
        self._session = session
        self._owner = _handles.own(impl().onnx_binding_new(session._live()))
        self._session_owner = session._owner
        self._kept: dict[tuple[bool, str], Any] = {}   # the OrtValues (and the arrays under them) bound by name
        self._out_names: list[str] = []

    def __del__(self) -> None:
        # The binding goes before the session it points into, whatever order the attributes die in.
        _handles.release(getattr(self, "_owner", None))

    def __reduce__(self) -> NoReturn:
        _handles.refuse_copy(self, "it binds memory of this process; make a new binding with session.io_binding()")

    def _h(self) -> int:
        self._session._live()  # a clear error once the session was released
        return self._owner.h

    def _bind(self, output: bool, name: str, value: OrtValue | None) -> None:
        impl().onnx_binding_bind(self._h(), output, name, value._h if value is not None else None)
        self._kept[(output, name)] = value
        if output and name not in self._out_names:
            self._out_names.append(name)

    def bind_cpu_input(self, name: str, arr_on_cpu: Any) -> None:
        """Binds a numpy array (read in place; kept alive by the binding)."""
        self._bind(False, name, OrtValue.ortvalue_from_numpy(arr_on_cpu))

    def bind_input(self, name: str, device_type: str, device_id: int, element_type: Any, shape: _abc.Sequence[int],
                   buffer_ptr: int) -> None:
        """Binds raw CPU memory at buffer_ptr (the caller keeps it alive)."""
        cpu_only(device_type)
        h = impl().onnx_value_from_pointer(int(buffer_ptr), tuple(shape), elem_of(element_type))
        self._bind(False, name, OrtValue(_handles.own(h), foreign=True))

    def bind_ortvalue_input(self, name: str, ortvalue: OrtValue) -> None:
        self._bind(False, name, ortvalue)

    def bind_output(self, name: str, device_type: str = "cpu", device_id: int = 0, element_type: Any = None,
                    shape: _abc.Sequence[int] | None = None, buffer_ptr: int | None = None) -> None:
        """Binds an output to CPU memory ORT allocates, or, with element_type/shape/buffer_ptr, to caller memory
        (a preallocated numpy array's ``arr.ctypes.data``, which the caller keeps alive) that the run writes."""
        cpu_only(device_type)
        if buffer_ptr is None:
            self._bind(True, name, None)
            return
        if element_type is None or shape is None:
            raise InvalidArgument("bind_output with buffer_ptr needs element_type and shape")
        h = impl().onnx_value_from_pointer(int(buffer_ptr), tuple(shape), elem_of(element_type))
        self._bind(True, name, OrtValue(_handles.own(h), foreign=True))

    def bind_ortvalue_output(self, name: str, ortvalue: OrtValue) -> None:
        """Binds an output to an OrtValue's memory (from ``ortvalue_from_numpy(out)``: the run writes ``out``)."""
        if not isinstance(ortvalue, OrtValue):
            raise TypeError(f"bind_ortvalue_output takes an OrtValue, not {type(ortvalue).__name__}")
        if ortvalue._copied:
            raise InvalidArgument(f"output '{name}' cannot be bound to a non-contiguous array: the run would write a "
                                  "contiguous copy of it; bind numpy.ascontiguousarray(...) and read that")
        src = ortvalue._keepalive
        if src is not None and not src.flags.writeable:
            raise InvalidArgument(f"output '{name}' cannot be bound to a read-only array")
        self._bind(True, name, ortvalue)

    def synchronize_inputs(self) -> None:
        """CPU memory needs no synchronization."""

    def synchronize_outputs(self) -> None:
        """CPU memory needs no synchronization."""

    def _bound_output(self, i: int) -> OrtValue | None:
        return self._kept.get((True, self._out_names[i])) if i < len(self._out_names) else None

    def get_outputs(self) -> list[OrtValue]:
        """The outputs of the last run as OrtValues (an output bound to a caller's array keeps that array alive)."""
        out = []
        for i, h in enumerate(impl().onnx_binding_outputs(self._h(), True)):
            bound = self._bound_output(i)
            keep = bound._keepalive if bound is not None else None
            out.append(OrtValue(_handles.own(h), keep, bound is not None and bound._foreign, self._session_owner))
        return out

    def get_outputs_as_ortvaluevector(self) -> OrtValueVector:
        """The outputs of the last run as an OrtValueVector."""
        return OrtValueVector(self.get_outputs())

    def copy_outputs_to_cpu(self) -> list[Any]:
        """The outputs as numpy arrays (sharing the outputs' memory: on CPU there is nothing to copy). An output
        bound to a caller's array comes back as a view of that array, which keeps it alive."""
        res = impl().onnx_binding_outputs(self._h(), False)
        out = []
        for i, r in enumerate(res):
            bound = self._bound_output(i)
            keep = bound._keepalive if bound is not None else None
            if keep is not None and isinstance(r, np.ndarray):
                r = keep.reshape(r.shape)  # the same memory, viewed through the array that owns it
            out.append(convert(r, self._out_names[i] if i < len(self._out_names) else "output"))
        return out

    def clear_binding_inputs(self) -> None:
        impl().onnx_binding_clear(self._h(), False)
        self._kept = {k: v for k, v in self._kept.items() if k[0]}

    def clear_binding_outputs(self) -> None:
        impl().onnx_binding_clear(self._h(), True)
        self._kept = {k: v for k, v in self._kept.items() if not k[0]}
        self._out_names = []
