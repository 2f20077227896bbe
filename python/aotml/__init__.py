"""aotml: tokenization, normalization and ONNX inference on one NativeAOT-compiled engine, without the GIL."""
from __future__ import annotations

from . import _backend
from ._errors import (AotmlError, EncodeError, EngineFileNotFoundError, InvalidArgument, OnnxRuntimeError,
                      OnnxRuntimeUnavailableError, RunCancelledError, TokenizerConfigError, UnknownTokenError)
from .numerics import l2_normalize, layer_norm, log_softmax, minmax_scale, softmax, standardize
from .onnx import (ExecutionMode, GraphOptimizationLevel, InferenceSession, IOBinding, ModelMetadata, NodeArg,
                   OrtValue, RunOptions, SessionOptions, get_available_providers, get_device)

__version__: str = _backend.impl.version()


def ort_version() -> str:
    """The version of the ONNX Runtime library aotml loads (loading it if needed)."""
    return _backend.impl.ort_version()[0]


def backend() -> str:
    """Which engine binding is in use: ``"ext"`` (the compiled extension) or ``"ctypes"``."""
    return _backend.name


__all__ = [
    "__version__", "ort_version", "backend",
    "AotmlError", "InvalidArgument", "TokenizerConfigError", "EncodeError", "OnnxRuntimeError",
    "OnnxRuntimeUnavailableError", "RunCancelledError", "UnknownTokenError", "EngineFileNotFoundError",
    "l2_normalize", "minmax_scale", "standardize", "softmax", "log_softmax", "layer_norm",
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "OrtValue",
    "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers", "get_device",
]
