"""onnxruntime's exception classes, one per OrtErrorCode, under the names code written for onnxruntime catches.

Each also derives from aotml's ``OnnxRuntimeError`` (a RuntimeError), and where the code says what went wrong, from
the matching aotml and standard exception (``InvalidArgument`` is a ValueError, ``NoSuchFile`` a FileNotFoundError).
"""
from __future__ import annotations

from ... import _errors
from ..._errors import OnnxRuntimeError

__all__ = ["Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException", "InvalidProtobuf",
           "ModelLoaded", "NotImplemented", "InvalidGraph", "EPFail"]


class Fail(OnnxRuntimeError):
    """ORT_FAIL (1): a failure ONNX Runtime does not classify further."""


class InvalidArgument(OnnxRuntimeError, _errors.InvalidArgument):
    """ORT_INVALID_ARGUMENT (2): a wrong input name, type, shape or option."""


class NoSuchFile(OnnxRuntimeError, _errors.EngineFileNotFoundError):
    """ORT_NO_SUCHFILE (3): a file ONNX Runtime was asked to open does not exist."""


class NoModel(OnnxRuntimeError):
    """ORT_NO_MODEL (4)."""


class EngineError(OnnxRuntimeError):
    """ORT_ENGINE_ERROR (5)."""


class RuntimeException(OnnxRuntimeError):
    """ORT_RUNTIME_EXCEPTION (6): a kernel failed while running."""


class InvalidProtobuf(OnnxRuntimeError, ValueError):
    """ORT_INVALID_PROTOBUF (7): the model bytes are not a valid ONNX protobuf."""


class ModelLoaded(OnnxRuntimeError):
    """ORT_MODEL_LOADED (8)."""


class NotImplemented(OnnxRuntimeError, NotImplementedError):  # noqa: A001 - onnxruntime's name
    """ORT_NOT_IMPLEMENTED (9): an operator or type ONNX Runtime has no kernel for."""


class InvalidGraph(OnnxRuntimeError, ValueError):
    """ORT_INVALID_GRAPH (10): the model's graph does not validate."""


class EPFail(OnnxRuntimeError):
    """ORT_EP_FAIL (11): an execution provider failed."""


BY_CODE: dict[int, type[OnnxRuntimeError]] = {
    1: Fail, 2: InvalidArgument, 3: NoSuchFile, 4: NoModel, 5: EngineError, 6: RuntimeException, 7: InvalidProtobuf,
    8: ModelLoaded, 9: NotImplemented, 10: InvalidGraph, 11: EPFail,
}
