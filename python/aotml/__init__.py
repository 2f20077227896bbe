"""aotml: tokenization, normalization and ONNX inference on one NativeAOT-compiled engine, without the GIL."""
from __future__ import annotations

from . import _backend
from ._errors import (AotmlError, EncodeError, EngineFileNotFoundError, InvalidArgument, OnnxRuntimeError,
                      OnnxRuntimeUnavailableError, RunCancelledError, TokenizerConfigError, UnknownTokenError)
from .numerics import l2_normalize, layer_norm, log_softmax, minmax_scale, softmax, standardize
from .tiktoken import (Encoding, encoding_for_model, encoding_name_for_model, get_encoding, list_encoding_names,
                       load_tiktoken_bpe)

__version__: str = _backend.impl.version()

# ONNX inference needs numpy, which the rest of aotml does not: its names load aotml.onnx on first use.
_ONNX_NAMES = frozenset({
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "OrtValue",
    "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers", "get_device",
})


def __getattr__(name: str) -> object:
    if name in _ONNX_NAMES:
        from . import onnx
        return getattr(onnx, name)
    raise AttributeError(f"module 'aotml' has no attribute {name!r}")


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
    "Encoding", "get_encoding", "encoding_for_model", "encoding_name_for_model", "list_encoding_names",
    "load_tiktoken_bpe",
    "InferenceSession", "SessionOptions", "RunOptions", "GraphOptimizationLevel", "ExecutionMode", "OrtValue",
    "IOBinding", "NodeArg", "ModelMetadata", "get_available_providers", "get_device",
]
