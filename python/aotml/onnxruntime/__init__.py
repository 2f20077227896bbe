"""A drop-in for onnxruntime's Python API on aotml's own binding of the ONNX Runtime C API.

    import aotml.onnxruntime as ort

    sess = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
    (y,) = sess.run(None, {"x": x})                 # numpy in, numpy out, GIL released
    y = await sess.run_async(None, {"x": x})        # inside asyncio: runs on its own native thread
    pickle.dumps(sess)                              # rebuilt from the model bytes/path and options

    from aotml.onnxruntime.capi.onnxruntime_pybind11_state import InvalidArgument   # onnxruntime's error classes

bfloat16 has no numpy dtype: bfloat16 tensors are exchanged as uint16 arrays of their bit patterns.
"""
from __future__ import annotations

from .. import _backend
from ._binding import IOBinding
from ._options import ExecutionMode, ExecutionOrder, GraphOptimizationLevel, RunOptions, SessionOptions
from ._providers import get_all_providers, get_available_providers, get_device
from ._session import InferenceSession, ModelMetadata, NodeArg, _logger_severity
from ._values import OrtValue, OrtValueVector
from .capi import onnxruntime_pybind11_state

__all__ = [
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "ExecutionOrder",
    "OrtValue", "OrtValueVector", "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers",
    "get_all_providers", "get_device", "get_version_string", "get_build_info", "set_default_logger_severity",
    "set_default_logger_verbosity", "set_seed", "onnxruntime_pybind11_state",
]

_logger_verbosity = [0]
_seed: list[int | None] = [None]


def get_version_string() -> str:
    """The version of the ONNX Runtime library in use (loading it if needed), as onnxruntime reports its own."""
    return str(_backend.impl.ort_version()[0])


def get_build_info() -> str:
    """ONNX Runtime's description of its build ("ORT Build Info: ...")."""
    return str(_backend.impl.onnx_build_info())


def set_default_logger_severity(log_severity_level: int) -> None:
    """Sets the process-wide ORT log level: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal (aotml's default: ORT
    prints nothing a caller did not ask for). It takes effect from the next session made."""
    level = _level(log_severity_level, "log_severity_level", 4)
    _logger_severity[0] = level


def set_default_logger_verbosity(log_verbosity_level: int) -> None:
    """Sets the verbosity of ORT's VERBOSE messages (only debug builds of ORT print them)."""
    _logger_verbosity[0] = _level(log_verbosity_level, "log_verbosity_level", None)


def set_seed(seed: int) -> None:
    """Records the seed for ORT's random operators. ORT's C API has no process-wide seed, so random operators
    without a ``seed`` attribute stay unseeded; the value is kept for get-and-restore code."""
    if not isinstance(seed, (int,)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    _seed[0] = int(seed)


def _level(value: object, name: str, top: int | None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0 or (top is not None and value > top):
        raise ValueError(f"{name} must be in [0, {top}], got {value}" if top is not None
                         else f"{name} must be >= 0, got {value}")
    return int(value)


def __getattr__(name: str) -> str:
    # onnxruntime.__version__ is ORT's version; reading it loads the library, so it waits until asked for.
    if name == "__version__":
        return get_version_string()
    raise AttributeError(f"module 'aotml.onnxruntime' has no attribute {name!r}")
