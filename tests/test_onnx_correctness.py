"""aotml.onnxruntime behaves as onnxruntime where onnxruntime's own rules decide: optional values, ORT's shape rule
for scalars, output selection, providers and their warning, module functions, strict options, OrtValue methods, and
a tutorial-style script run unchanged. Models are built with python3-onnx; every test runs on both backends."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import aotml.onnxruntime as ort
from onnx_models import add_one, identity, model_bytes, vi

ROOT = Path(__file__).resolve().parent.parent


def _optional_tensor(elem=TensorProto.FLOAT, shape=(3,)):
    return helper.make_optional_type_proto(helper.make_tensor_type_proto(elem, list(shape)))


def _optional_seq(elem=TensorProto.FLOAT):
    return helper.make_optional_type_proto(helper.make_sequence_type_proto(helper.make_tensor_type_proto(elem, None)))


def _has_element(opt_type) -> bytes:
    return model_bytes([helper.make_node("OptionalHasElement", ["X"], ["H"])], [helper.make_value_info("X", opt_type)],
                       [vi("H", TensorProto.BOOL, [])], opset=18)


# ---- optional values --------------------------------------------------------------------------------------------------
def test_optional_tensor_input_takes_a_tensor_none_or_nothing(backend):
    s = ort.InferenceSession(_has_element(_optional_tensor()))
    arg = s.get_inputs()[0]
    assert (arg.name, arg.type, arg.shape) == ("X", "optional(tensor(float))", [3])
    assert s.run(None, {"X": np.ones(3, np.float32)})[0] == np.True_
    assert s.run(None, {"X": [1.0, 2.0, 3.0]})[0] == np.True_  # converted to the contained type, as ORT does
    assert s.run(None, {"X": None})[0] == np.False_
    assert s.run(None, {})[0] == np.False_
    (out,) = s.run_with_ort_values(None, {"X": None})
    assert out.numpy() == np.False_
    with pytest.raises(ValueError, match="expects optional"):
        s.run(None, {"X": np.ones(3, np.int64)})
    with pytest.raises(ValueError, match=r"shape \[3\]"):
        s.run(None, {"X": np.ones(4, np.float32)})


def test_optional_sequence_input_takes_a_list_or_none(backend):
    opt = _optional_seq()
    data = model_bytes([helper.make_node("OptionalHasElement", ["S"], ["H"])], [helper.make_value_info("S", opt)],
                       [vi("H", TensorProto.BOOL, [])], opset=18)
    s = ort.InferenceSession(data)
    assert s.get_inputs()[0].type == "optional(seq(tensor(float)))"
    assert s.get_inputs()[0].shape == []
    assert s.run(None, {"S": [np.ones(2, np.float32), np.zeros(3, np.float32)]})[0] == np.True_
    assert s.run(None, {"S": None})[0] == np.False_
    data = model_bytes([helper.make_node("OptionalGetElement", ["S"], ["T"])], [helper.make_value_info("S", opt)],
                       [helper.make_tensor_sequence_value_info("T", TensorProto.FLOAT, None)], opset=18)
    (seq,) = ort.InferenceSession(data).run(None, {"S": [np.arange(2, dtype=np.float32)]})
    assert [a.tolist() for a in seq] == [[0.0, 1.0]]
    assert ort.InferenceSession(data).run(None, {"S": []}) == [[]]


@pytest.mark.parametrize("elem", [TensorProto.FLOAT, TensorProto.INT64, TensorProto.STRING, TensorProto.BOOL,
                                  TensorProto.DOUBLE, TensorProto.FLOAT16])
def test_empty_list_feeds_an_empty_sequence(backend, elem):
    seq = helper.make_tensor_sequence_value_info("S", elem, None)
    length = model_bytes([helper.make_node("SequenceLength", ["S"], ["N"])], [seq], [vi("N", TensorProto.INT64, [])],
                         opset=13)
    s = ort.InferenceSession(length)
    assert s.run(None, {"S": []})[0] == 0 and s.run(None, {"S": ()})[0] == 0
    # the empty sequence is typed: ORT inserts a tensor of its element type into it
    insert = model_bytes([helper.make_node("SequenceInsert", ["S", "T"], ["O"])], [seq, vi("T", elem, [2])],
                         [helper.make_tensor_sequence_value_info("O", elem, None)], opset=13)
    x = np.array(["a", "b"], dtype=object) if elem == TensorProto.STRING else \
        np.array([1, 0], dtype={TensorProto.FLOAT: np.float32, TensorProto.INT64: np.int64, TensorProto.BOOL: np.bool_,
                                TensorProto.DOUBLE: np.float64, TensorProto.FLOAT16: np.float16}[elem])
    (out,) = ort.InferenceSession(insert).run(None, {"S": [], "T": x})
    assert len(out) == 1 and out[0].tolist() == x.tolist()


def test_empty_optional_output_is_none(backend):
    empty = helper.make_node("Optional", [], ["O"], type=helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))
    data = model_bytes([empty], [], [helper.make_value_info("O", _optional_tensor())], opset=18)
    s = ort.InferenceSession(data)
    assert s.get_outputs()[0].type == "optional(tensor(float))"
    assert s.run(None, {}) == [None]
    (value,) = s.run_with_ort_values(None, {})
    assert not value.has_value() and not value.is_tensor() and value.numpy() is None


def test_optional_output_holding_a_tensor_is_that_tensor(backend):
    data = model_bytes([helper.make_node("Optional", ["X"], ["O"])], [vi("X", TensorProto.FLOAT, [2])],
                       [helper.make_value_info("O", _optional_tensor(shape=[2]))], opset=18)
    x = np.array([1.5, -2], np.float32)
    (out,) = ort.InferenceSession(data).run(None, {"X": x})
    np.testing.assert_array_equal(out, x)
    (value,) = ort.InferenceSession(data).run_with_ort_values(None, {"X": ort.OrtValue.ortvalue_from_numpy(x)})
    assert value.has_value() and value.element_type() == TensorProto.FLOAT


# ---- shapes as ORT checks them ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_scalar_input_takes_what_ort_takes(backend, shape):
    s = ort.InferenceSession(identity(TensorProto.FLOAT, []))
    x = np.full(shape, 2.5, np.float32)
    (y,) = s.run(None, {"X": x})
    assert y.shape == shape and float(y.reshape(-1)[0]) == 2.5


def test_fixed_shapes_still_checked(backend):
    s = ort.InferenceSession(identity(TensorProto.FLOAT, [2, "n"]))
    s.run(None, {"X": np.zeros((2, 7), np.float32)})
    with pytest.raises(ValueError, match="rank"):
        s.run(None, {"X": np.zeros((2, 7, 1), np.float32)})
    with pytest.raises(ValueError, match="expects shape"):
        s.run(None, {"X": np.zeros((3, 7), np.float32)})


# ---- output selection -------------------------------------------------------------------------------------------------
def test_empty_or_none_output_names_return_everything(backend):
    data = model_bytes([helper.make_node("Neg", ["A"], ["N"]), helper.make_node("Abs", ["A"], ["B"])],
                       [vi("A", TensorProto.FLOAT, [2])], [vi("N", TensorProto.FLOAT, [2]), vi("B", TensorProto.FLOAT, [2])])
    s = ort.InferenceSession(data)
    a = np.array([-1, 2], np.float32)
    for names in (None, [], ()):
        n, b = s.run(names, {"A": a})
        np.testing.assert_array_equal(n, -a)
        np.testing.assert_array_equal(b, abs(a))
    assert len(s.run_with_ort_values([], {"A": ort.OrtValue.ortvalue_from_numpy(a)})) == 2


def test_model_without_outputs(backend):
    # (ORT refuses a graph without nodes; one whose node feeds no output loads)
    graph = helper.make_graph([helper.make_node("Identity", ["A"], ["T"])], "no_outputs",
                              [vi("A", TensorProto.FLOAT, [2])], [])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    s = ort.InferenceSession(model.SerializeToString())
    assert s.get_outputs() == []
    assert s.run(None, {"A": np.zeros(2, np.float32)}) == []
    assert s.run([], {"A": np.zeros(2, np.float32)}) == []
    with pytest.raises(ValueError, match="Required inputs"):
        s.run(None, {})


# ---- providers --------------------------------------------------------------------------------------------------------
def test_unavailable_provider_warns_as_ort_and_runs_on_cpu(backend):
    available = ort.get_available_providers()
    assert "CUDAExecutionProvider" not in available  # the bundled ORT is the CPU build
    text = (f"Specified provider 'CUDAExecutionProvider' is not in available provider names."
            f"Available providers: '{', '.join(available)}'")
    with pytest.warns(UserWarning) as record:
        s = ort.InferenceSession(add_one(), providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    assert [str(w.message) for w in record] == [text]
    assert s.get_providers() == ["CPUExecutionProvider"]
    np.testing.assert_array_equal(s.run(None, {"X": np.zeros((1, 16), np.float32)})[0], np.ones((1, 16)))
    with pytest.warns(UserWarning, match="Specified provider 'CUDAExecutionProvider'"):
        s.set_providers(["CUDAExecutionProvider"])
    assert s.get_providers() == ["CPUExecutionProvider"]
    with pytest.warns(UserWarning, match="Duplicate provider 'CPUExecutionProvider'"):
        s.set_providers(["CPUExecutionProvider", "CPUExecutionProvider"])
    with pytest.raises(ValueError, match="'providers' values must be either strings or"):
        ort.InferenceSession(add_one(), providers=[1])


def test_every_available_provider_is_accepted(backend):
    available = ort.get_available_providers()
    assert available[-1] == "CPUExecutionProvider"
    assert set(available) <= set(ort.get_all_providers())
    for p in available:
        s = ort.InferenceSession(add_one(), providers=[p])
        assert s.get_providers()[0] == p


def test_fallback_switches(backend):
    s = ort.InferenceSession(add_one())
    s.disable_fallback()
    s.set_providers(None)  # every available provider
    assert s.get_providers() == ort.get_available_providers()
    s.enable_fallback()
    assert s.run(None, {"X": np.zeros((1, 16), np.float32)})[0].sum() == 16


# ---- module functions -------------------------------------------------------------------------------------------------
def test_module_functions(backend):
    assert ort.get_version_string() == ort.__version__ and ort.get_version_string().count(".") == 2
    info = ort.get_build_info()
    # ORT's own string, which names the git branch and commit of its build
    assert info.startswith("ORT Build Info: git-branch=") and "git-commit-id=" in info and "build type=" in info
    assert ort.get_device() == "CPU"
    all_providers = ort.get_all_providers()
    assert {"CPUExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider"} <= set(all_providers)
    ort.set_seed(1234)
    with pytest.raises(TypeError):
        ort.set_seed("1")
    ort.set_default_logger_verbosity(0)
    ort.set_default_logger_severity(3)
    try:
        ort.InferenceSession(add_one()).run(None, {"X": np.zeros((1, 16), np.float32)})
    finally:
        ort.set_default_logger_severity(4)
    with pytest.raises(ValueError):
        ort.set_default_logger_severity(5)


# ---- options ----------------------------------------------------------------------------------------------------------
def test_options_refuse_unknown_attributes(backend):
    so = ort.SessionOptions()
    with pytest.raises(AttributeError):
        so.intra_op_threads = 2  # a misspelling
    ro = ort.RunOptions()
    with pytest.raises(AttributeError):
        ro.terminated = True
    assert ro.only_execute_path_to_fetches is False
    ro.only_execute_path_to_fetches = True
    assert so.log_severity_level == 2 and so.enable_mem_reuse and so.use_per_session_threads
    assert so.execution_order == ort.ExecutionOrder.DEFAULT
    so.execution_order = ort.ExecutionOrder.PRIORITY_BASED
    so.enable_mem_reuse = False
    s = ort.InferenceSession(add_one(), so)
    assert s.get_session_options().execution_order == ort.ExecutionOrder.PRIORITY_BASED
    assert not s.get_session_options().enable_mem_reuse


def test_thread_counts_are_bounded(backend):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 100_000
    start = time.monotonic()
    with pytest.raises(ValueError, match="intra_op_num_threads"):
        ort.InferenceSession(add_one(), so)
    assert time.monotonic() - start < 5


def test_free_dimension_override_by_denotation(backend):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["b", 3])
    x.type.tensor_type.shape.dim[0].denotation = "DATA_BATCH"
    data = model_bytes([helper.make_node("Identity", ["X"], ["Y"])], [x], [vi("Y", TensorProto.FLOAT, ["b", 3])])
    so = ort.SessionOptions()
    so.add_free_dimension_override_by_denotation("DATA_BATCH", 4)
    s = ort.InferenceSession(data, so)
    assert s.get_inputs()[0].shape == [4, 3]
    with pytest.raises(ValueError):
        s.run(None, {"X": np.zeros((2, 3), np.float32)})


def test_session_keywords_and_thread_options(backend):
    s = ort.InferenceSession(add_one(), disabled_optimizers=["ConstantFolding"], read_config_from_model=False)
    assert s.run(None, {"X": np.zeros((1, 16), np.float32)})[0].sum() == 16
    with pytest.raises(TypeError, match="unexpected keyword"):
        ort.InferenceSession(add_one(), disabled_optimisers=["x"])
    so = ort.SessionOptions()
    so.use_per_session_threads = False  # ORT refuses it without global thread pools, with its own message
    with pytest.raises(RuntimeError, match="per session"):
        ort.InferenceSession(add_one(), so)
    so = ort.SessionOptions()
    with pytest.raises(ValueError, match="does not exist"):
        so.register_custom_ops_library("/nonexistent/libcustom.so")


def test_add_initializer(backend, tmp_path):
    data = model_bytes([helper.make_node("Add", ["X", "W"], ["Y"])], [vi("X", TensorProto.FLOAT, [2])],
                       [vi("Y", TensorProto.FLOAT, [2])], [onnx.numpy_helper.from_array(np.zeros(2, np.float32), "W")])
    so = ort.SessionOptions()
    w = np.array([10, 20], np.float32)
    so.add_initializer("W", ort.OrtValue.ortvalue_from_numpy(w))
    session = ort.InferenceSession(data, so)
    (y,) = session.run(None, {"X": np.ones(2, np.float32)})
    np.testing.assert_array_equal(y, w + 1)
    # ORT reads the value in place, and the session keeps it alive after the options and the caller let it go
    del so
    w[:] = [100, 200]
    import gc
    gc.collect()
    np.testing.assert_array_equal(session.run(None, {"X": np.ones(2, np.float32)})[0], [101, 201])
    (tmp_path / "m.onnx").write_bytes(data)
    path_options = ort.SessionOptions()
    path_options.add_initializer("W", ort.OrtValue.ortvalue_from_numpy(np.array([5, 6], np.float32)))
    assert ort.InferenceSession(str(tmp_path / "m.onnx"), path_options).run(
        None, {"X": np.zeros(2, np.float32)})[0].tolist() == [5, 6]


def test_add_external_initializers(backend):
    data = model_bytes([helper.make_node("Mul", ["X", "A"], ["T"]), helper.make_node("Add", ["T", "B"], ["Y"])],
                       [vi("X", TensorProto.FLOAT, [3])], [vi("Y", TensorProto.FLOAT, [3])],
                       [onnx.numpy_helper.from_array(np.ones(3, np.float32), "A"),
                        onnx.numpy_helper.from_array(np.zeros(3, np.float32), "B")])
    a, b = np.array([1, 2, 3], np.float32), np.array([10, 20, 30], np.float32)
    so = ort.SessionOptions()
    so.add_external_initializers(["A", "B"], [ort.OrtValue.ortvalue_from_numpy(a), ort.OrtValue.ortvalue_from_numpy(b)])
    x = np.array([4, 5, 6], np.float32)
    np.testing.assert_array_equal(ort.InferenceSession(data, so).run(None, {"X": x})[0], x * a + b)
    # without them the model's own initializers apply
    np.testing.assert_array_equal(ort.InferenceSession(data).run(None, {"X": x})[0], x)


# ---- OrtValue ---------------------------------------------------------------------------------------------------------
def test_ortvalue_methods(backend):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    v = ort.OrtValue.ortvalue_from_numpy(numpy_obj=x, device_type="cpu", device_id=0)
    assert v.element_type() == TensorProto.FLOAT and v.has_value() and v.tensor_size_in_bytes() == 24
    z = ort.OrtValue.ortvalue_from_shape_and_type([2, 3], TensorProto.INT64)
    assert z.element_type() == TensorProto.INT64 and z.numpy().dtype == np.int64
    b = ort.OrtValue.ortvalue_from_shape_and_type([4], TensorProto.BFLOAT16)
    assert b.element_type() == TensorProto.BFLOAT16 and b.tensor_size_in_bytes() == 8
    address = z.data_ptr()
    z.update_inplace(np.arange(6, dtype=np.int64).reshape(3, 2))
    assert z.data_ptr() == address and z.numpy().tolist() == [[0, 1, 2], [3, 4, 5]]
    v.update_inplace(np.ones((2, 3), np.float32))
    assert x.sum() == 6  # the value is over x's memory
    with pytest.raises(ValueError):
        z.update_inplace(np.zeros(5, np.int64))
    with pytest.raises(ValueError):
        z.update_inplace(np.zeros(6, np.float32))
    s = ort.InferenceSession(model_bytes([helper.make_node("SequenceConstruct", ["A"], ["S"])],
                                         [vi("A", TensorProto.INT32, [2])],
                                         [helper.make_tensor_sequence_value_info("S", TensorProto.INT32, None)]))
    (seq,) = s.run_with_ort_values(None, {"A": ort.OrtValue.ortvalue_from_numpy(np.zeros(2, np.int32))})
    assert seq.element_type() == TensorProto.INT32


def test_ortvaluevector_and_profiling_start(backend, tmp_path):
    s = ort.InferenceSession(add_one())
    assert s.get_profiling_start_time_ns() == 0
    x = ort.OrtValue.ortvalue_from_numpy(np.zeros((1, 16), np.float32))
    fetches = ort.OrtValueVector()
    s.run_with_ortvaluevector(ort.RunOptions(), ["X"], [x], ["Y"], fetches, None)
    assert len(fetches) == 1 and fetches[0].numpy().sum() == 16 and fetches.element_type_at(0) == TensorProto.FLOAT
    binding = s.io_binding()
    binding.bind_ortvalue_input("X", x)
    binding.bind_output("Y")
    s.run_with_iobinding(binding)
    vec = binding.get_outputs_as_ortvaluevector()
    assert len(vec) == 1 and [v.numpy().sum() for v in vec] == [16]
    so = ort.SessionOptions()
    so.enable_profiling = True
    so.profile_file_prefix = str(tmp_path / "p")
    before = time.time_ns()
    p = ort.InferenceSession(add_one(), so)
    assert before <= p.get_profiling_start_time_ns() <= time.time_ns()  # ORT's clock: ns since the Unix epoch
    p.end_profiling()


def test_iobinding_takes_onnx_element_types(backend):
    s = ort.InferenceSession(add_one())
    x = np.zeros((1, 16), np.float32)
    out = np.empty((1, 16), np.float32)
    b = s.io_binding()
    b.bind_input("X", "cpu", 0, TensorProto.FLOAT, [1, 16], x.ctypes.data)
    b.bind_output("Y", "cpu", 0, TensorProto.FLOAT, [1, 16], out.ctypes.data)
    s.run_with_iobinding(b)
    assert out.sum() == 16


# ---- argument errors --------------------------------------------------------------------------------------------------
def test_non_contiguous_output_array_is_refused(backend):
    s = ort.InferenceSession(add_one((4, 4)))
    out = np.zeros((4, 8), np.float32)[:, ::2]
    b = s.io_binding()
    b.bind_cpu_input("X", np.zeros((4, 4), np.float32))
    with pytest.raises(ValueError, match="non-contiguous"):
        b.bind_ortvalue_output("Y", ort.OrtValue.ortvalue_from_numpy(out))


def test_argument_errors(backend, tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        ort.InferenceSession(str(tmp_path / "a\0b.onnx"))
    s = ort.InferenceSession(add_one())
    x = np.zeros((1, 16), np.float32)
    with pytest.raises(TypeError, match="RunOptions, not str"):
        s.run(None, {"X": x}, "fast")
    with pytest.raises(TypeError, match="RunOptions, not dict"):
        s.run_with_ort_values(None, {"X": ort.OrtValue.ortvalue_from_numpy(x)}, {})
    with pytest.raises(TypeError, match="RunOptions, not int"):
        s.run_with_iobinding(s.io_binding(), 1)
    with pytest.raises(TypeError, match="SessionOptions"):
        ort.InferenceSession(add_one(), {"intra_op_num_threads": 1})


# ---- a script written for onnxruntime ---------------------------------------------------------------------------------
def test_tutorial_script_runs_unchanged(backend):
    env = dict(os.environ, AOTML_BACKEND=backend, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "python"), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "ort_tutorial_script.py")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tutorial script: all good" in r.stdout
