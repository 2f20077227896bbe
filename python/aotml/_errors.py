"""Exceptions raised by aotml, and the one mapping from engine status codes to them.

Every class derives from a standard exception as well, so ``except ValueError`` keeps working.
The status codes mirror ``enum aotml_status`` in csharp/Aotml.Native/include/aotml.h.
"""
from __future__ import annotations

__all__ = [
    "AotmlError", "InvalidArgument", "TokenizerConfigError", "EncodeError", "OnnxRuntimeError",
    "OnnxRuntimeUnavailableError", "RunCancelledError", "UnknownTokenError", "EngineFileNotFoundError",
    "from_status", "ORT_CODE_BASE",
]

OK, INVALID_ARGUMENT, CONFIG, ENCODE, ONNXRUNTIME, FILE_NOT_FOUND, KEY, CANCELLED, OUT_OF_MEMORY, INTERNAL, \
    ORT_UNAVAILABLE = range(11)
# ONNX Runtime's own errors come back as ORT_CODE_BASE + OrtErrorCode, and raise onnxruntime's exception classes.
ORT_CODE_BASE = 100


class AotmlError(Exception):
    """Base class of every error aotml raises."""


class InvalidArgument(AotmlError, ValueError):
    """An argument has the wrong value, dtype, shape or layout."""


class TokenizerConfigError(AotmlError, ValueError):
    """A tokenizer or encoding definition is malformed."""


class EncodeError(AotmlError, ValueError):
    """Text cannot be encoded under the requested policy."""


class OnnxRuntimeError(AotmlError, RuntimeError):
    """ONNX Runtime reported an error."""


class OnnxRuntimeUnavailableError(OnnxRuntimeError):
    """The ONNX Runtime shared library is missing or cannot be loaded."""


class RunCancelledError(OnnxRuntimeError):
    """A run was terminated through ``RunOptions.terminate``."""


class UnknownTokenError(AotmlError, KeyError):
    """A token id or token is not in the vocabulary."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class EngineFileNotFoundError(AotmlError, FileNotFoundError):
    """A file the engine was asked to read does not exist."""


_BY_STATUS: dict[int, type[BaseException]] = {
    INVALID_ARGUMENT: InvalidArgument,
    CONFIG: TokenizerConfigError,
    ENCODE: EncodeError,
    ONNXRUNTIME: OnnxRuntimeError,
    FILE_NOT_FOUND: EngineFileNotFoundError,
    KEY: UnknownTokenError,
    CANCELLED: RunCancelledError,
    OUT_OF_MEMORY: MemoryError,
    INTERNAL: AotmlError,
    ORT_UNAVAILABLE: OnnxRuntimeUnavailableError,
}


def _ort_error(code: int) -> type[BaseException]:
    """onnxruntime's exception class for an OrtErrorCode (they live in the drop-in, which imports numpy: ORT's
    errors only come from calls it made, so it is loaded already)."""
    try:
        from .onnxruntime.capi import onnxruntime_pybind11_state as state
    except ImportError:  # pragma: no cover - numpy missing: still the right family
        return OnnxRuntimeError
    return state.BY_CODE.get(code, OnnxRuntimeError)


def from_status(status: int, message: str) -> BaseException:
    """The exception for a failed engine call (both backends call this, so both raise the same)."""
    if ORT_CODE_BASE < status < ORT_CODE_BASE + 100:
        return _ort_error(status - ORT_CODE_BASE)(message)
    cls = _BY_STATUS.get(status, AotmlError)
    if cls is AotmlError and status not in _BY_STATUS:
        message = f"engine status {status}: {message}"
    return cls(message)
