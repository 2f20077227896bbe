"""aotml: tokenization, normalization and ONNX inference on one NativeAOT-compiled engine, without the GIL.

The top level holds what is aotml's own: the numerics kernels, the errors, ``__version__`` and ``backend()``.
Tokenizers and inference live in drop-in modules named after the libraries they replace (``aotml.tiktoken``,
``aotml.onnxruntime``), so code written for those libraries only changes its import.
"""
from __future__ import annotations

from . import _backend
from ._errors import (AotmlError, EncodeError, EngineFileNotFoundError, InvalidArgument, OnnxRuntimeError,
                      OnnxRuntimeUnavailableError, RunCancelledError, TokenizerConfigError, UnknownTokenError)
from .numerics import l2_normalize, layer_norm, log_softmax, minmax_scale, softmax, standardize

__version__: str = _backend.impl.version()

# The drop-in modules are imported by name and carry their library's names, so nothing here can clash between them:
#     import aotml.tiktoken as tiktoken          import aotml.onnxruntime as onnxruntime


def __getattr__(name: str) -> object:
    # TextEmbedder needs numpy; importing it lazily keeps `import aotml` free of that dependency.
    if name in ("TextEmbedder", "TruncationWarning"):
        from . import pipelines
        return getattr(pipelines, name)
    raise AttributeError(f"module 'aotml' has no attribute {name!r}")


def ort_version() -> str:
    """The version of the ONNX Runtime library aotml loads (loading it if needed)."""
    return _backend.impl.ort_version()[0]


def normalize(form: str, unistr: str) -> str:
    """Unicode normalization as ``unicodedata.normalize`` ("NFC", "NFD", "NFKC", "NFKD"), with the engine's
    UCD 15.0 tables and without the GIL."""
    if not isinstance(form, str):
        raise TypeError(f"normalize() argument 1 must be str, not {type(form).__name__}")
    if not isinstance(unistr, str):
        raise TypeError(f"normalize() argument 2 must be str, not {type(unistr).__name__}")
    if form not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise ValueError("invalid normalization form")
    if unistr.isascii():
        return unistr
    return _backend.impl.unicode_normalize(form, unistr)  # type: ignore[no-any-return]


def backend() -> str:
    """Which engine binding is in use: ``"ext"`` (the compiled extension) or ``"ctypes"``."""
    return _backend.name


__all__ = [
    "__version__", "ort_version", "backend", "normalize",
    "AotmlError", "InvalidArgument", "TokenizerConfigError", "EncodeError", "OnnxRuntimeError",
    "OnnxRuntimeUnavailableError", "RunCancelledError", "UnknownTokenError", "EngineFileNotFoundError",
    "l2_normalize", "minmax_scale", "standardize", "softmax", "log_softmax", "layer_norm",
    "TextEmbedder", "TruncationWarning",
]
