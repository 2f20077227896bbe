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
from ._options import ExecutionMode, GraphOptimizationLevel, RunOptions, SessionOptions
from ._session import InferenceSession, ModelMetadata, NodeArg, get_available_providers, get_device
from ._values import OrtValue
from .capi import onnxruntime_pybind11_state

__all__ = [
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "OrtValue",
    "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers", "get_device", "get_version_string",
    "onnxruntime_pybind11_state",
]


def get_version_string() -> str:
    """The version of the ONNX Runtime library in use (loading it if needed), as onnxruntime reports its own."""
    return str(_backend.impl.ort_version()[0])


def __getattr__(name: str) -> str:
    # onnxruntime.__version__ is ORT's version; reading it loads the library, so it waits until asked for.
    if name == "__version__":
        return get_version_string()
    raise AttributeError(f"module 'aotml.onnxruntime' has no attribute {name!r}")
