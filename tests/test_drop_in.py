"""The drop-in modules: tiktoken's and onnxruntime's import paths and names, and ORT's errors by their status code."""
from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aotml
import aotml.onnxruntime as ort
import aotml.tiktoken as tiktoken
from aotml import _errors
from aotml.onnxruntime.capi import onnxruntime_pybind11_state as state
from onnx_models import add_one, vi

PYTHONPATH = str(Path(aotml.__file__).parent.parent)


def test_tiktoken_submodules_hold_tiktokens_names():
    from aotml.tiktoken.core import Encoding
    from aotml.tiktoken.load import dump_tiktoken_bpe, load_tiktoken_bpe
    from aotml.tiktoken.model import (MODEL_PREFIX_TO_ENCODING, MODEL_TO_ENCODING, encoding_for_model,
                                      encoding_name_for_model)
    from aotml.tiktoken.registry import get_encoding, list_encoding_names
    assert tiktoken.Encoding is Encoding and tiktoken.get_encoding is get_encoding
    assert tiktoken.load_tiktoken_bpe is load_tiktoken_bpe and tiktoken.encoding_for_model is encoding_for_model
    assert tiktoken.encoding_name_for_model is encoding_name_for_model
    assert tiktoken.list_encoding_names is list_encoding_names and callable(dump_tiktoken_bpe)
    assert MODEL_TO_ENCODING["gpt-4o"] == "o200k_base" and MODEL_TO_ENCODING["gpt-4"] == "cl100k_base"
    assert MODEL_PREFIX_TO_ENCODING["gpt-4o-"] == "o200k_base"
    assert isinstance(get_encoding("cl100k_base"), Encoding)
    with pytest.raises(AttributeError):
        importlib.import_module("aotml.tiktoken.model").NOT_A_NAME  # noqa: B018


def test_tiktoken_dump_then_load_round_trips(backend, tmp_path):
    from aotml.tiktoken.load import dump_tiktoken_bpe, load_tiktoken_bpe
    ranks = {b"a": 0, b"b": 1, b"\xff\x00": 2, b"ab": 3}
    dump_tiktoken_bpe(ranks, tmp_path / "x.tiktoken")
    assert (tmp_path / "x.tiktoken").read_bytes().splitlines()[0] == b"YQ== 0"
    assert load_tiktoken_bpe(tmp_path / "x.tiktoken") == ranks


def test_onnxruntime_names():
    from aotml.onnxruntime import (ExecutionMode, GraphOptimizationLevel, InferenceSession, IOBinding, ModelMetadata,
                                   NodeArg, OrtValue, RunOptions, SessionOptions, get_available_providers, get_device)
    from aotml.onnxruntime.capi.onnxruntime_pybind11_state import (EngineError, EPFail, Fail, InvalidArgument,
                                                                   InvalidGraph, InvalidProtobuf, ModelLoaded,
                                                                   NoModel, NoSuchFile, NotImplemented,
                                                                   RuntimeException)
    assert all(isinstance(c, type) for c in (ExecutionMode, GraphOptimizationLevel, InferenceSession, IOBinding,
                                             ModelMetadata, NodeArg, OrtValue, RunOptions, SessionOptions))
    assert "CPUExecutionProvider" in get_available_providers() and get_device() in ("CPU", "GPU")
    assert ort.__version__ == aotml.ort_version() == ort.get_version_string()
    assert ort.onnxruntime_pybind11_state is state
    codes = [Fail, InvalidArgument, NoSuchFile, NoModel, EngineError, RuntimeException, InvalidProtobuf, ModelLoaded,
             NotImplemented, InvalidGraph, EPFail]
    assert [state.BY_CODE[i] for i in range(1, 12)] == codes
    for cls in codes:
        assert issubclass(cls, aotml.OnnxRuntimeError) and issubclass(cls, RuntimeError)
        assert cls.__module__ == "aotml.onnxruntime.capi.onnxruntime_pybind11_state"
    assert issubclass(InvalidArgument, aotml.InvalidArgument) and issubclass(InvalidArgument, ValueError)
    assert issubclass(NoSuchFile, aotml.EngineFileNotFoundError) and issubclass(NoSuchFile, FileNotFoundError)
    assert issubclass(NotImplemented, NotImplementedError)
    assert issubclass(InvalidProtobuf, ValueError) and issubclass(InvalidGraph, ValueError)


def test_top_level_holds_only_aotmls_own_names():
    for name in ("Encoding", "get_encoding", "InferenceSession", "OrtValue", "SessionOptions", "load_tiktoken_bpe"):
        assert not hasattr(aotml, name), name
    assert set(aotml.__all__) >= {"__version__", "backend", "softmax", "l2_normalize", "AotmlError", "InvalidArgument"}


def test_aotml_onnx_is_gone_so_the_onnx_package_is_not_shadowed():
    script = ("import aotml\ntry:\n    import aotml.onnx\nexcept ImportError:\n    print('no aotml.onnx')\n"
              "import onnx\nprint(onnx.__name__, hasattr(onnx, 'helper'))\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={"PYTHONPATH": PYTHONPATH})
    assert r.stdout.splitlines() == ["no aotml.onnx", "onnx True"], r.stderr


def test_status_codes_map_to_onnxruntimes_classes():
    for code, cls in state.BY_CODE.items():
        e = _errors.from_status(_errors.ORT_CODE_BASE + code, "msg")
        assert type(e) is cls and str(e) == "msg"
    assert type(_errors.from_status(_errors.ORT_CODE_BASE + 15, "m")) is aotml.OnnxRuntimeError  # DEVICE_RESET
    assert type(_errors.from_status(_errors.ONNXRUNTIME, "m")) is aotml.OnnxRuntimeError


def _raw_model(nodes, inputs, outputs, inits=()) -> bytes:
    """A model the onnx checker has not seen: ORT's own validation decides."""
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def test_engine_raises_by_ort_code(backend):
    with pytest.raises(state.InvalidProtobuf, match=r"^\[ONNXRuntimeError\] : 7 : INVALID_PROTOBUF : "):
        ort.InferenceSession(b"not a model")
    with pytest.raises(state.InvalidGraph, match=r"^\[ONNXRuntimeError\] : 10 : INVALID_GRAPH : "):
        ort.InferenceSession(_raw_model([helper.make_node("Frobnicate", ["X"], ["Y"])], [vi("X", TensorProto.FLOAT, [2])],
                                        [vi("Y", TensorProto.FLOAT, [2])]))
    with pytest.raises(state.InvalidArgument, match=r"^\[ONNXRuntimeError\] : 2 : INVALID_ARGUMENT : .*'Q'"):
        ort.InferenceSession(_raw_model([helper.make_node("Add", ["X", "Q"], ["Y"])], [vi("X", TensorProto.FLOAT, [2])],
                                        [vi("Y", TensorProto.FLOAT, [2])]))
    shape = numpy_helper.from_array(np.array([3], np.int64), "s")
    s = ort.InferenceSession(_raw_model([helper.make_node("Reshape", ["X", "s"], ["Y"])],
                                        [vi("X", TensorProto.FLOAT, [None])], [vi("Y", TensorProto.FLOAT, [None])],
                                        [shape]))
    with pytest.raises(state.Fail, match=r"^\[ONNXRuntimeError\] : 1 : FAIL : .*Reshape"):
        s.run(None, {"X": np.zeros(4, np.float32)})
    assert s.run(None, {"X": np.arange(3, dtype=np.float32)})[0].tolist() == [0.0, 1.0, 2.0]  # still usable


def test_ort_errors_pickle_as_themselves(backend):
    with pytest.raises(state.InvalidProtobuf) as info:
        ort.InferenceSession(b"not a model")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is state.InvalidProtobuf and str(again) == str(info.value)


def test_sessions_from_the_drop_in_run(backend):
    s = ort.InferenceSession(add_one((2,)), providers=["CPUExecutionProvider"])
    assert s.run(None, {"X": np.zeros(2, np.float32)})[0].tolist() == [1.0, 1.0]
