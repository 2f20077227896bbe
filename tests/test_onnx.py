"""ort.InferenceSession against numpy: every dtype, strings, shapes, sequences and maps, options, OrtValue,
IOBinding, run_async, pickling and the errors the issue lists. Every test runs on both backends."""
from __future__ import annotations

import asyncio
import gc
import json
import os
import pickle
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aotml
import aotml.onnxruntime as ort
from onnx_models import add_one, identity, mlp, mlp_reference, model_bytes, slow_chain, vi

PYTHONPATH = str(Path(aotml.__file__).parent.parent)

NUMERIC = [
    (TensorProto.FLOAT, np.float32, "float"), (TensorProto.DOUBLE, np.float64, "double"),
    (TensorProto.FLOAT16, np.float16, "float16"), (TensorProto.INT8, np.int8, "int8"),
    (TensorProto.INT16, np.int16, "int16"), (TensorProto.INT32, np.int32, "int32"),
    (TensorProto.INT64, np.int64, "int64"), (TensorProto.UINT8, np.uint8, "uint8"),
    (TensorProto.UINT16, np.uint16, "uint16"), (TensorProto.UINT32, np.uint32, "uint32"),
    (TensorProto.UINT64, np.uint64, "uint64"), (TensorProto.BOOL, np.bool_, "bool"),
]


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.floating):
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


# ---- results ---------------------------------------------------------------------------------------------------------
def test_add_one_matches_numpy(backend):
    s = ort.InferenceSession(add_one())
    x = np.arange(16, dtype=np.float32).reshape(1, 16)
    (y,) = s.run(None, {"X": x})
    assert y.dtype == np.float32 and y.shape == (1, 16)
    np.testing.assert_array_equal(y, x + 1)
    assert s.run(["Y"], {"X": x})[0].tolist() == (x + 1).tolist()


@pytest.mark.parametrize("elem,dtype,onnx_name", NUMERIC, ids=[n for _, _, n in NUMERIC])
def test_every_numeric_dtype_round_trips(backend, elem, dtype, onnx_name):
    s = ort.InferenceSession(identity(elem, ["n", 3]))
    x = sample(dtype, (5, 3))
    (y,) = s.run(None, {"X": x})
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y, x)
    assert s.get_inputs()[0].type == f"tensor({onnx_name})"
    assert s.get_inputs()[0].shape == ["n", 3]
    other = np.float64 if dtype != np.float64 else np.float32
    with pytest.raises(ValueError, match=f"expects tensor\\({onnx_name}\\)"):
        s.run(None, {"X": x.astype(other)})


@pytest.mark.parametrize("elem,dtype", [(TensorProto.FLOAT, np.float32), (TensorProto.DOUBLE, np.float64),
                                        (TensorProto.INT32, np.int32), (TensorProto.INT64, np.int64),
                                        (TensorProto.FLOAT16, np.float16)])
def test_arithmetic_per_dtype_matches_numpy(backend, elem, dtype):
    data = model_bytes([helper.make_node("Mul", ["A", "B"], ["P"]), helper.make_node("Sub", ["P", "A"], ["Y"])],
                       [vi("A", elem, [4, 5]), vi("B", elem, [5])], [vi("Y", elem, [4, 5])])
    s = ort.InferenceSession(data)
    a = (np.arange(20).reshape(4, 5) % 7 - 3).astype(dtype)
    b = (np.arange(5) - 2).astype(dtype)
    (y,) = s.run(None, {"A": a, "B": b})
    np.testing.assert_array_equal(y, a * b - a)


def test_bfloat16_travels_as_uint16_bit_patterns(backend):
    data = model_bytes([helper.make_node("Cast", ["X"], ["F"], to=TensorProto.FLOAT),
                        helper.make_node("Mul", ["F", "two"], ["G"]),
                        helper.make_node("Cast", ["G"], ["Y"], to=TensorProto.BFLOAT16)],
                       [vi("X", TensorProto.BFLOAT16, [6])], [vi("Y", TensorProto.BFLOAT16, [6])],
                       [numpy_helper.from_array(np.array([2.0], np.float32), "two")])
    s = ort.InferenceSession(data)
    f = np.array([1.0, -2.5, 0.15625, 3.0, 1e-3, 256.0], np.float32)
    bits = (f.view(np.uint32) >> 16).astype(np.uint16)  # these values are exact in bfloat16
    (y,) = s.run(None, {"X": bits})
    assert y.dtype == np.uint16
    back = (y.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(back, ((bits.astype(np.uint32) << 16).view(np.float32)) * 2)
    assert s.get_inputs()[0].type == "tensor(bfloat16)"
    v = ort.OrtValue.ortvalue_from_numpy_with_onnx_type(bits, 16)
    assert v.data_type() == "tensor(bfloat16)"
    np.testing.assert_array_equal(s.run(None, {"X": v})[0], y)


def test_string_tensors_both_ways(backend):
    s = ort.InferenceSession(identity(TensorProto.STRING, [None, 2]))
    words = np.array([["héllo", ""], ["日本語", "a\0b"], ["x" * 1000, "🙂"]])
    (y,) = s.run(None, {"X": words})
    assert y.dtype == object and y.shape == (3, 2)
    assert y.tolist() == words.tolist()
    (y2,) = s.run(None, {"X": words.astype(object)})
    assert y2.tolist() == words.tolist()
    with pytest.raises(ValueError, match="tensor\\(string\\)"):
        s.run(None, {"X": np.zeros((1, 2), np.float32)})


def test_string_ops_against_python(backend):
    data = model_bytes([helper.make_node("StringNormalizer", ["X"], ["Y"], case_change_action="LOWER",
                                         is_case_sensitive=1, stopwords=["the"], locale="C")],
                       [vi("X", TensorProto.STRING, [None])], [vi("Y", TensorProto.STRING, [None])])
    s = ort.InferenceSession(data)  # locale "C" exists everywhere, unlike the conformance cases' en_US.UTF-8
    (y,) = s.run(None, {"X": np.array(["The", "the", "QUICK", "Fox"])})
    assert y.tolist() == ["the", "quick", "fox"]


def test_scalars_zero_size_and_high_rank(backend):
    s = ort.InferenceSession(identity(TensorProto.FLOAT, []))
    (y,) = s.run(None, {"X": np.float32(2.5)})
    assert y.shape == () and y == np.float32(2.5)
    (y,) = s.run(None, {"X": 4.0})  # a Python float is converted once, to the input's dtype
    assert y.shape == () and y == 4.0
    s = ort.InferenceSession(identity(TensorProto.INT64, ["a", 3]))
    (y,) = s.run(None, {"X": np.zeros((0, 3), np.int64)})
    assert y.shape == (0, 3) and y.dtype == np.int64
    shape = (2, 1, 3, 1, 2, 1, 2, 3)
    s = ort.InferenceSession(add_one(shape))
    x = sample(np.float32, shape)
    (y,) = s.run(None, {"X": x})
    np.testing.assert_array_equal(y, x + 1)


def test_non_contiguous_and_list_inputs_are_converted_once(backend):
    s = ort.InferenceSession(add_one((4, 3)))
    big = np.arange(24, dtype=np.float32).reshape(4, 6)
    view = big[:, ::2]
    assert not view.flags.c_contiguous
    np.testing.assert_array_equal(s.run(None, {"X": view})[0], view + 1)
    np.testing.assert_array_equal(s.run(None, {"X": view.tolist()})[0], view + 1)
    np.testing.assert_array_equal(s.run(None, {"X": big.T.T[:, :3].copy(order="F")})[0], big[:, :3] + 1)

    class Sub(np.ndarray):
        pass

    sub = np.ones((4, 3), np.float32).view(Sub)
    np.testing.assert_array_equal(s.run(None, {"X": sub})[0], np.full((4, 3), 2, np.float32))
    with pytest.raises(ValueError, match=r"input 'X' expects tensor\(float\) \(numpy float32\), given complex64"):
        s.run(None, {"X": np.ones((4, 3), np.complex64)})


def test_multiple_inputs_and_outputs_in_any_order(backend):
    data = model_bytes([helper.make_node("Add", ["A", "B"], ["S"]), helper.make_node("Mul", ["A", "B"], ["P"]),
                        helper.make_node("Neg", ["C"], ["N"])],
                       [vi("A", TensorProto.FLOAT, [3]), vi("B", TensorProto.FLOAT, [3]),
                        vi("C", TensorProto.INT32, [2])],
                       [vi("S", TensorProto.FLOAT, [3]), vi("P", TensorProto.FLOAT, [3]), vi("N", TensorProto.INT32, [2])])
    s = ort.InferenceSession(data)
    a, b, c = np.array([1, 2, 3], np.float32), np.array([4, 5, 6], np.float32), np.array([7, -8], np.int32)
    ss, p, n = s.run(None, {"C": c, "B": b, "A": a})
    np.testing.assert_array_equal(ss, a + b)
    np.testing.assert_array_equal(p, a * b)
    np.testing.assert_array_equal(n, -c)
    n2, s2 = s.run(["N", "S"], {"A": a, "B": b, "C": c})
    np.testing.assert_array_equal(n2, -c)
    np.testing.assert_array_equal(s2, a + b)
    assert [o.name for o in s.get_outputs()] == ["S", "P", "N"]


def test_sequence_outputs_become_lists(backend):
    data = model_bytes([helper.make_node("SequenceConstruct", ["A", "B"], ["S"])],
                       [vi("A", TensorProto.FLOAT, [2]), vi("B", TensorProto.FLOAT, [3])],
                       [helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, None)])
    s = ort.InferenceSession(data)
    assert s.get_outputs()[0].type == "seq(tensor(float))"
    (seq,) = s.run(None, {"A": np.array([1, 2], np.float32), "B": np.array([3, 4, 5], np.float32)})
    assert isinstance(seq, list) and [x.tolist() for x in seq] == [[1, 2], [3, 4, 5]]


def test_sequence_inputs_from_lists(backend):
    seq_in = helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, None)
    data = model_bytes([helper.make_node("ConcatFromSequence", ["S"], ["Y"], axis=0),
                        helper.make_node("SequenceLength", ["S"], ["N"])],
                       [seq_in], [vi("Y", TensorProto.FLOAT, [None]), vi("N", TensorProto.INT64, [])])
    s = ort.InferenceSession(data)
    assert s.get_inputs()[0].type == "seq(tensor(float))"
    parts = [np.array([1, 2], np.float32), np.array([3.5], np.float32), np.arange(3, dtype=np.float32)]
    y, n = s.run(None, {"S": parts})
    np.testing.assert_array_equal(y, np.concatenate(parts))
    assert n == 3
    with pytest.raises(ValueError, match=r"input 'S' expects seq\(tensor\(float\)\)"):
        s.run(None, {"S": parts[0]})
    with pytest.raises(ValueError, match="list of arrays"):
        s.run(None, {"S": 1.5})


def test_map_outputs_become_dicts(backend):
    zipmap = helper.make_node("ZipMap", ["X"], ["Z"], domain="ai.onnx.ml", classlabels_int64s=[10, 20, 30])
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    out = helper.make_value_info("Z", helper.make_sequence_type_proto(map_type))
    s = ort.InferenceSession(model_bytes([zipmap], [vi("X", TensorProto.FLOAT, [2, 3])], [out], ml=True))
    assert s.get_outputs()[0].type == "seq(map(int64,tensor(float)))"
    x = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32)
    (maps,) = s.run(None, {"X": x})
    assert maps == [dict(zip([10, 20, 30], row.tolist())) for row in x]


def test_unsupported_output_type_is_named(backend):
    data = model_bytes([helper.make_node("Optional", ["X"], ["O"])], [vi("X", TensorProto.FLOAT, [2])],
                       [helper.make_value_info("O", helper.make_optional_type_proto(
                           helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))], opset=18)
    s = ort.InferenceSession(data)
    assert s.get_outputs()[0].type == "optional(tensor(float))"
    x = np.ones(2, np.float32)
    try:
        out = s.run(None, {"X": x})
    except ValueError as e:
        assert "'O'" in str(e) and "optional" in str(e)
    else:  # ORT hands an optional holding a tensor back as that tensor
        np.testing.assert_array_equal(out[0], x)


def test_outputs_are_zero_copy_and_outlive_the_session(backend):
    s = ort.InferenceSession(add_one((1000,)))
    x = np.zeros(1000, np.float32)
    (y,) = s.run(None, {"X": x})
    assert not y.flags.owndata  # a view of ORT's buffer, not a copy
    del s
    gc.collect()
    assert float(y.sum()) == 1000.0
    y[:] = 5  # ORT's memory is the caller's to use
    assert float(y.sum()) == 5000.0


# ---- description -----------------------------------------------------------------------------------------------------
def test_inputs_outputs_and_symbolic_dims(backend):
    data = model_bytes([helper.make_node("Identity", ["X"], ["Y"])], [vi("X", TensorProto.FLOAT, ["batch", None, 7])],
                       [vi("Y", TensorProto.FLOAT, ["batch", None, 7])])
    s = ort.InferenceSession(data)
    (i,), (o,) = s.get_inputs(), s.get_outputs()
    assert (i.name, i.type, i.shape) == ("X", "tensor(float)", ["batch", None, 7])
    assert (o.name, o.type, o.shape) == ("Y", "tensor(float)", ["batch", None, 7])
    assert "NodeArg(name='X'" in repr(i)
    x = sample(np.float32, (2, 5, 7))
    np.testing.assert_array_equal(s.run(None, {"X": x})[0], x)


def test_model_metadata(backend):
    data = model_bytes([helper.make_node("Identity", ["X"], ["Y"])], [vi("X", TensorProto.FLOAT, [1])],
                       [vi("Y", TensorProto.FLOAT, [1])], name="graph-name", producer_name="prod",
                       domain="ai.aotml", doc_string="what it does", model_version=7,
                       props={"author": "me", "ключ": "значение"})
    m = ort.InferenceSession(data).get_modelmeta()
    assert (m.producer_name, m.graph_name, m.domain, m.description, m.version) == \
        ("prod", "graph-name", "ai.aotml", "what it does", 7)
    assert m.custom_metadata_map == {"author": "me", "ключ": "значение"}


def test_overridable_initializers(backend):
    data = model_bytes([helper.make_node("Add", ["X", "bias"], ["Y"])],
                       [vi("X", TensorProto.FLOAT, [3]), vi("bias", TensorProto.FLOAT, [3])],
                       [vi("Y", TensorProto.FLOAT, [3])],
                       [numpy_helper.from_array(np.array([1, 2, 3], np.float32), "bias")])
    s = ort.InferenceSession(data)
    assert [a.name for a in s.get_inputs()] == ["X"]
    assert [(a.name, a.type, a.shape) for a in s.get_overridable_initializers()] == [("bias", "tensor(float)", [3])]
    x = np.zeros(3, np.float32)
    assert s.run(None, {"X": x})[0].tolist() == [1, 2, 3]
    assert s.run(None, {"X": x, "bias": np.full(3, 10, np.float32)})[0].tolist() == [10, 10, 10]


def test_model_from_path_and_pathlike(backend, tmp_path):
    p = tmp_path / "add.onnx"
    p.write_bytes(add_one())
    for arg in (str(p), p):
        s = ort.InferenceSession(arg)
        assert s.run(None, {"X": np.zeros((1, 16), np.float32)})[0].sum() == 16


# ---- providers and options -------------------------------------------------------------------------------------------
def test_available_providers(backend):
    providers = ort.get_available_providers()
    assert providers[-1] == "CPUExecutionProvider"
    ort_dir = Path(aotml.__file__).parent
    if not (ort_dir / "libonnxruntime_providers_cuda.so").exists():
        assert "CUDAExecutionProvider" not in providers  # compiled in, but its library is not shipped
    s = ort.InferenceSession(add_one(), providers=["CPUExecutionProvider"])
    assert s.get_providers() == ["CPUExecutionProvider"]
    s = ort.InferenceSession(add_one(), providers=[("CPUExecutionProvider", {})])
    assert s.get_providers() == ["CPUExecutionProvider"]


@pytest.mark.parametrize("provider", ["CUDAExecutionProvider", "NoSuchExecutionProvider"])
def test_unavailable_provider_warns_with_the_available_list(backend, provider):
    # onnxruntime's rule: a provider the build lacks is named in a warning and left out; the session runs on CPU
    assert provider not in ort.get_available_providers()
    with pytest.warns(UserWarning) as record:
        s = ort.InferenceSession(add_one(), providers=[provider, "CPUExecutionProvider"])
    (w,) = record
    assert provider in str(w.message) and "'CPUExecutionProvider'" in str(w.message)
    assert s.get_providers() == ["CPUExecutionProvider"]


def test_session_options_apply(backend, tmp_path):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 2
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    o.enable_cpu_mem_arena = False
    o.enable_mem_pattern = False
    o.use_deterministic_compute = True
    o.log_severity_level = 3
    o.optimized_model_filepath = str(tmp_path / "opt.onnx")
    o.add_session_config_entry("session.intra_op.allow_spinning", "0")
    s = ort.InferenceSession(add_one(), sess_options=o)
    assert (tmp_path / "opt.onnx").stat().st_size > 0
    assert s.run(None, {"X": np.ones((1, 16), np.float32)})[0].sum() == 32
    got = s.get_session_options()
    assert got.intra_op_num_threads == 2 and got.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    bad = ort.SessionOptions()
    bad.graph_optimization_level = 5
    with pytest.raises(ValueError, match="graph_optimization_level"):
        ort.InferenceSession(add_one(), sess_options=bad)
    bad = ort.SessionOptions()
    bad.add_session_config_entry("session.no_such_key_x", "1")
    ort.InferenceSession(add_one(), sess_options=bad)  # ORT accepts unknown config keys, as onnxruntime does


def test_free_dimension_override(backend):
    o = ort.SessionOptions()
    o.add_free_dimension_override_by_name("batch", 2)
    data, weights = mlp(8, 4, 3)
    s = ort.InferenceSession(data, sess_options=o)
    x = sample(np.float32, (2, 8))
    np.testing.assert_allclose(s.run(None, {"X": x})[0], mlp_reference(x, *weights), rtol=1e-4, atol=1e-5)


def test_profiling_writes_a_trace(backend, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    o = ort.SessionOptions()
    o.enable_profiling = True
    o.profile_file_prefix = "aotml_prof"
    s = ort.InferenceSession(add_one(), sess_options=o)
    s.run(None, {"X": np.ones((1, 16), np.float32)})
    path = s.end_profiling()
    assert os.path.basename(path).startswith("aotml_prof")
    events = json.loads(Path(path).read_text())
    assert any(e.get("name", "").endswith("kernel_time") or e.get("cat") == "Node" for e in events)


# ---- errors: each leaves the session working -------------------------------------------------------------------------
def test_missing_file(backend, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ort.InferenceSession(tmp_path / "nope.onnx")


def test_corrupt_bytes_raise_onnxruntime_error(backend, tmp_path):
    with pytest.raises(aotml.OnnxRuntimeError, match="protobuf parsing failed") as e:
        ort.InferenceSession(b"this is not an onnx model")
    assert str(e.value).startswith("[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : ")
    p = tmp_path / "bad.onnx"
    p.write_bytes(b"\x08\x07garbage")
    with pytest.raises(aotml.OnnxRuntimeError):
        ort.InferenceSession(p)
    with pytest.raises(TypeError):
        ort.InferenceSession(42)  # type: ignore[arg-type]


def test_bad_feeds_raise_and_the_session_keeps_working(backend):
    s = ort.InferenceSession(add_one())
    x = np.ones((1, 16), np.float32)
    cases = [
        ({"x": x}, ValueError, r"unknown input name 'x'; the model's inputs are: X: tensor\(float\)\[1,16\]"),
        ({}, ValueError, r"missing input 'X'"),
        ({"X": x.astype(np.float64)}, ValueError, r"input 'X' expects tensor\(float\) \(numpy float32\), given float64"),
        ({"X": x.astype(np.int32)}, ValueError, r"given int32"),
        ({"X": x.reshape(16)}, ValueError, r"input 'X' expects shape \[1,16\] \(rank 2\), given shape \[16\] \(rank 1\)"),
        ({"X": np.ones((1, 15), np.float32)}, ValueError, r"input 'X' expects shape \[1,16\]"),
        ({"X": np.array(["a"] * 16).reshape(1, 16)}, ValueError, r"input 'X' expects tensor\(float\)"),
        ({"X": [[object()]]}, ValueError, r"input 'X' cannot be converted"),
    ]
    for feed, exc, pattern in cases:
        with pytest.raises(exc, match=pattern):
            s.run(None, feed)
        np.testing.assert_array_equal(s.run(None, {"X": x})[0], x + 1)
    with pytest.raises(ValueError, match="'Z' is not an output"):
        s.run(["Z"], {"X": x})
    with pytest.raises(TypeError):
        s.run(None, [x])  # type: ignore[arg-type]


def test_symbolic_dims_mismatch_is_reported_by_ort(backend):
    data = model_bytes([helper.make_node("Add", ["A", "B"], ["Y"])],
                       [vi("A", TensorProto.FLOAT, ["n"]), vi("B", TensorProto.FLOAT, ["n"])],
                       [vi("Y", TensorProto.FLOAT, ["n"])])
    s = ort.InferenceSession(data)
    with pytest.raises(aotml.OnnxRuntimeError):
        s.run(None, {"A": np.ones(3, np.float32), "B": np.ones(4, np.float32)})
    assert s.run(None, {"A": np.ones(3, np.float32), "B": np.ones(3, np.float32)})[0].tolist() == [2, 2, 2]


def test_run_options_terminate_stops_a_run(backend):
    s = ort.InferenceSession(slow_chain(48, 768))
    x = sample(np.float32, (768, 768))
    ro = ort.RunOptions()
    ro.run_tag = "terminated"
    ro.log_severity_level = 3
    assert ro.run_tag == "terminated"
    timer = threading.Timer(0.05, lambda: setattr(ro, "terminate", True))
    timer.start()
    with pytest.raises(aotml.RunCancelledError, match="terminate"):
        s.run(None, {"X": x}, ro)
    timer.join()
    assert ro.terminate
    with pytest.raises(aotml.RunCancelledError):  # still set: the next run stops at once
        s.run(None, {"X": x}, ro)
    ro.terminate = False
    (y,) = s.run(None, {"X": x}, ro)
    assert y.shape == (768, 768)


def test_run_options_config_entries(backend):
    ro = ort.RunOptions()
    ro.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    assert ro.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    s = ort.InferenceSession(add_one())
    assert s.run(None, {"X": np.zeros((1, 16), np.float32)}, ro)[0].sum() == 16


# ---- OrtValue and IOBinding ------------------------------------------------------------------------------------------
def test_ortvalue_shares_numpy_memory(backend):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    v = ort.OrtValue.ortvalue_from_numpy(x)
    assert v.data_ptr() == x.ctypes.data
    assert v.shape() == [3, 4] and v.data_type() == "tensor(float)" and v.element_type() == 1  # onnx.TensorProto.FLOAT
    assert v.is_tensor() and v.device_name() == "cpu"
    view = v.numpy()
    assert view.ctypes.data == x.ctypes.data
    x[0, 0] = 42
    assert view[0, 0] == 42
    z = ort.OrtValue.ortvalue_from_shape_and_type([2, 3], np.int64)
    assert z.numpy().tolist() == [[0, 0, 0], [0, 0, 0]] and z.data_type() == "tensor(int64)"
    sv = ort.OrtValue.ortvalue_from_numpy(np.array(["a", "bc"]))
    assert sv.data_type() == "tensor(string)" and sv.numpy().tolist() == ["a", "bc"]


def test_run_with_ort_values(backend):
    s = ort.InferenceSession(add_one((2, 2)))
    x = ort.OrtValue.ortvalue_from_numpy(np.ones((2, 2), np.float32))
    (y,) = s.run_with_ort_values(["Y"], {"X": x})
    assert isinstance(y, ort.OrtValue) and y.numpy().tolist() == [[2, 2], [2, 2]]
    (y2,) = s.run(None, {"X": x})
    assert y2.tolist() == [[2, 2], [2, 2]]
    with pytest.raises(ValueError, match="expects tensor\\(float\\) \\(numpy float32\\), given int64"):
        s.run_with_ort_values(None, {"X": ort.OrtValue.ortvalue_from_numpy(np.ones((2, 2), np.int64))})


def test_iobinding_writes_a_preallocated_output_in_place(backend):
    data, weights = mlp(16, 32, 8)
    s = ort.InferenceSession(data)
    x = sample(np.float32, (4, 16))
    out = np.full((4, 8), np.nan, np.float32)
    b = s.io_binding()
    b.bind_cpu_input("X", x)
    b.bind_output("Y", "cpu", 0, np.float32, out.shape, out.ctypes.data)
    s.run_with_iobinding(b)
    np.testing.assert_allclose(out, mlp_reference(x, *weights), rtol=1e-4, atol=1e-5)
    (y,) = b.copy_outputs_to_cpu()
    np.testing.assert_array_equal(y, out)
    x[:] = 0  # the binding reads the array in place on the next run
    s.run_with_iobinding(b)
    np.testing.assert_allclose(out, mlp_reference(x, *weights), rtol=1e-4, atol=1e-5)
    b.clear_binding_outputs()
    b.bind_output("Y")
    s.run_with_iobinding(b)
    (ov,) = b.get_outputs()
    np.testing.assert_array_equal(ov.numpy(), out)
    b2 = s.io_binding()
    b2.bind_input("X", "cpu", 0, np.float32, x.shape, x.ctypes.data)
    b2.bind_ortvalue_output("Y", ort.OrtValue.ortvalue_from_numpy(out))
    s.run_with_iobinding(b2)
    with pytest.raises(ValueError, match="'Q' is not an input"):
        b2.bind_cpu_input("Q", x)
    frozen = np.zeros((4, 8), np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        b2.bind_ortvalue_output("Y", ort.OrtValue.ortvalue_from_numpy(frozen))


# ---- asyncio, pickling -----------------------------------------------------------------------------------------------
def test_run_async_awaits_without_blocking_the_loop(backend):
    s = ort.InferenceSession(slow_chain(8, 512))
    x = sample(np.float32, (512, 512))
    (expected,) = s.run(None, {"X": x})

    async def main():
        ticks = 0
        fut = s.run_async(None, {"X": x})
        while not fut.done():
            ticks += 1
            await asyncio.sleep(0)
        (y,) = await fut
        with pytest.raises(ValueError, match="missing input"):
            await s.run_async(None, {})
        return y, ticks

    y, ticks = asyncio.run(main())
    np.testing.assert_array_equal(y, expected)
    assert ticks > 1


def test_run_async_callback_form(backend):
    s = ort.InferenceSession(add_one())
    done = threading.Event()
    got = {}

    def callback(outputs, user_data, err):
        got.update(outputs=outputs, user_data=user_data, err=err, thread=threading.current_thread().name)
        done.set()

    s.run_async(None, {"X": np.ones((1, 16), np.float32)}, callback, "ud")
    assert done.wait(10)
    assert got["err"] == "" and got["user_data"] == "ud" and got["outputs"][0].sum() == 32
    assert got["thread"] != threading.main_thread().name


def _run_shipped(args):  # a multiprocessing worker: the session arrives pickled
    session, x = args
    return session.run(None, {"X": x})[0]


def test_multiprocessing_ships_sessions(backend):
    import multiprocessing
    data, _ = mlp(8, 16, 4)
    s = ort.InferenceSession(data)
    xs = [sample(np.float32, (2, 8), seed=i) for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_run_shipped, [(s, x) for x in xs])
    for x, y in zip(xs, results):
        np.testing.assert_array_equal(y, s.run(None, {"X": x})[0])


def test_pickle_round_trip_in_a_subprocess(backend, tmp_path):
    data, weights = mlp(8, 16, 4)
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    s = ort.InferenceSession(data, sess_options=o)
    x = sample(np.float32, (3, 8))
    (expected,) = s.run(None, {"X": x})
    blob = tmp_path / "session.pkl"
    blob.write_bytes(pickle.dumps((s, x)))
    script = textwrap.dedent(f"""
        import pickle, sys, numpy as np
        from aotml import _backend
        _backend.select({backend!r})
        s, x = pickle.loads(open({str(blob)!r}, "rb").read())
        assert s.get_session_options().intra_op_num_threads == 1
        sys.stdout.buffer.write(pickle.dumps(s.run(None, {{"X": x}})[0]))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120,
                       env={"PYTHONPATH": PYTHONPATH})
    assert r.returncode == 0, r.stderr.decode()
    np.testing.assert_array_equal(pickle.loads(r.stdout), expected)
    p = tmp_path / "m.onnx"
    p.write_bytes(data)
    s2 = pickle.loads(pickle.dumps(ort.InferenceSession(p)))
    np.testing.assert_array_equal(s2.run(None, {"X": x})[0], expected)


def test_missing_onnxruntime_library_is_a_clear_error(backend, tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np, aotml, aotml.onnxruntime as ort
        from aotml import _backend
        _backend.select({backend!r})
        try:
            ort.InferenceSession(b"x")
        except aotml.OnnxRuntimeUnavailableError as e:
            print("unavailable:", e)
        try:
            ort.get_available_providers()
        except aotml.OnnxRuntimeUnavailableError:
            print("again")
        print(aotml.softmax(np.array([0.0, 0.0], np.float32)).tolist())  # the rest of aotml works without ORT
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={"PYTHONPATH": PYTHONPATH, "AOTML_ORT_LIBRARY": str(tmp_path / "libonnxruntime.so.1")})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("unavailable:") and "AOTML_ORT_LIBRARY" in lines[0]
    assert lines[1:] == ["again", "[0.5, 0.5]"]


def test_small_accessors(backend):
    s = ort.InferenceSession(add_one(), providers=[("CPUExecutionProvider", {})])
    assert s.get_provider_options() == {"CPUExecutionProvider": {}}
    assert ort.get_device() in ("CPU", "GPU")
    o = ort.SessionOptions()
    o.add_session_config_entry("session.intra_op.allow_spinning", "0")
    o2 = pickle.loads(pickle.dumps(o))
    assert o2.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    with pytest.raises(ValueError, match="not set"):
        o2.get_session_config_entry("nope")
    assert "InferenceSession(inputs=[NodeArg(name='X'" in repr(s)
    v = ort.OrtValue.ortvalue_from_numpy(np.ones(3, np.float32))
    assert repr(v) == "OrtValue(tensor(float), shape=[3])" and v.has_value()
    with pytest.raises(ValueError, match="device_type 'cuda'"):
        ort.OrtValue.ortvalue_from_numpy(np.ones(3, np.float32), "cuda")
    with pytest.raises(TypeError):
        ort.InferenceSession(add_one(), providers="CPUExecutionProvider")
