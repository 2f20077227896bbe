"""A script in the style of onnxruntime's documentation and tutorials (Python API summary, IOBinding, OrtValue,
profiling, session options), written for onnxruntime; only the import line names aotml. tests/test_onnx_correctness.py
runs it on each backend; it exits non-zero on any mismatch."""
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import aotml.onnxruntime as onnxruntime

# --- a model, as the tutorials make one: Y = softmax(X @ W + B), with a symbolic batch --------------------------------
rng = np.random.default_rng(0)
W = rng.standard_normal((4, 3)).astype(np.float32)
B = rng.standard_normal(3).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["X", "W"], ["XW"]), helper.make_node("Add", ["XW", "B"], ["Z"]),
     helper.make_node("Softmax", ["Z"], ["Y"], axis=-1)],
    "tutorial", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 3])],
    [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tutorial")
model.ir_version = 8
model.doc_string = "a tutorial model"
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "model.onnx")
onnx.save(model, path)


def reference(x):
    z = x @ W + B
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


X = rng.standard_normal((5, 4)).astype(np.float32)

# --- basic usage (python API summary) ---------------------------------------------------------------------------------
print(onnxruntime.get_device(), onnxruntime.get_available_providers(), onnxruntime.__version__)
sess = onnxruntime.InferenceSession(path, providers=onnxruntime.get_available_providers())
input_name = sess.get_inputs()[0].name
label_name = sess.get_outputs()[0].name
print("input", input_name, sess.get_inputs()[0].shape, sess.get_inputs()[0].type)
print("output", label_name, sess.get_outputs()[0].shape, sess.get_outputs()[0].type)
pred = sess.run([label_name], {input_name: X})[0]
np.testing.assert_allclose(pred, reference(X), rtol=1e-5, atol=1e-6)
(pred_all,) = sess.run(None, {input_name: X})
np.testing.assert_allclose(pred_all, pred)
meta = sess.get_modelmeta()
assert meta.producer_name == "tutorial" and meta.description == "a tutorial model", meta

# --- from bytes, with session options ---------------------------------------------------------------------------------
so = onnxruntime.SessionOptions()
so.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
so.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
so.intra_op_num_threads = 1
so.inter_op_num_threads = 1
so.enable_mem_pattern = False
so.enable_mem_reuse = True
so.log_severity_level = 3
so.optimized_model_filepath = os.path.join(tmp, "optimized.onnx")
so.add_session_config_entry("session.intra_op.allow_spinning", "0")
so.add_free_dimension_override_by_name("batch", 5)
sess2 = onnxruntime.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
assert sess2.get_inputs()[0].shape == [5, 4], sess2.get_inputs()[0].shape
assert os.path.exists(so.optimized_model_filepath)
np.testing.assert_allclose(sess2.run(None, {"X": X})[0], pred, rtol=1e-6)

# --- run options ------------------------------------------------------------------------------------------------------
ro = onnxruntime.RunOptions()
ro.log_severity_level = 3
ro.logid = "tutorial-run"
np.testing.assert_allclose(sess.run(None, {"X": X}, ro)[0], pred)

# --- profiling --------------------------------------------------------------------------------------------------------
po = onnxruntime.SessionOptions()
po.enable_profiling = True
po.profile_file_prefix = os.path.join(tmp, "profile")
psess = onnxruntime.InferenceSession(path, po, providers=["CPUExecutionProvider"])
assert psess.get_profiling_start_time_ns() > 0
psess.run(None, {"X": X})
prof_file = psess.end_profiling()
assert os.path.exists(prof_file), prof_file

# --- OrtValue and run_with_ort_values ---------------------------------------------------------------------------------
x_ortvalue = onnxruntime.OrtValue.ortvalue_from_numpy(X, "cpu", 0)
assert x_ortvalue.device_name() == "cpu" and x_ortvalue.shape() == [5, 4]
assert x_ortvalue.data_type() == "tensor(float)" and x_ortvalue.is_tensor()
np.testing.assert_array_equal(x_ortvalue.numpy(), X)
(y_ortvalue,) = sess.run_with_ort_values(["Y"], {"X": x_ortvalue})
np.testing.assert_allclose(y_ortvalue.numpy(), pred)

# --- IOBinding --------------------------------------------------------------------------------------------------------
io_binding = sess.io_binding()
io_binding.bind_cpu_input("X", X)
io_binding.bind_output("Y")
sess.run_with_iobinding(io_binding)
np.testing.assert_allclose(io_binding.copy_outputs_to_cpu()[0], pred)

y_out = np.empty((5, 3), np.float32)
io_binding = sess.io_binding()
io_binding.bind_input(name="X", device_type="cpu", device_id=0, element_type=np.float32, shape=x_ortvalue.shape(),
                      buffer_ptr=x_ortvalue.data_ptr())
io_binding.bind_output(name="Y", device_type="cpu", device_id=0, element_type=np.float32, shape=y_out.shape,
                       buffer_ptr=y_out.ctypes.data)
io_binding.synchronize_inputs()
sess.run_with_iobinding(io_binding)
io_binding.synchronize_outputs()
np.testing.assert_allclose(y_out, pred)

y_value = onnxruntime.OrtValue.ortvalue_from_shape_and_type([5, 3], np.float32, "cpu", 0)
io_binding = sess.io_binding()
io_binding.bind_ortvalue_input("X", x_ortvalue)
io_binding.bind_ortvalue_output("Y", y_value)
sess.run_with_iobinding(io_binding)
np.testing.assert_allclose(y_value.numpy(), pred)
np.testing.assert_allclose(io_binding.get_outputs()[0].numpy(), pred)

# --- providers, as a GPU tutorial written for a CUDA machine asks for them ------------------------------------------
gpu_sess = onnxruntime.InferenceSession(path, providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
assert "CPUExecutionProvider" in gpu_sess.get_providers()
np.testing.assert_allclose(gpu_sess.run(None, {"X": X})[0], pred, rtol=1e-5, atol=1e-6)
gpu_sess.set_providers(["CPUExecutionProvider"])
assert gpu_sess.get_providers() == ["CPUExecutionProvider"]

# --- errors, as the tutorials show them -------------------------------------------------------------------------------
try:
    sess.run(None, {"X": X.astype(np.float64)})
except Exception as e:  # noqa: BLE001 - the tutorials catch broadly and print
    print("expected error:", type(e).__name__, str(e)[:80])
else:
    sys.exit("a float64 input was accepted by a float32 model")

print("tutorial script: all good")
