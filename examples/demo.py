"""A short tour of aotml, run by `python3 build.py demo` from the installed wheel."""
from __future__ import annotations

import numpy as np

import aotml
import aotml.onnxruntime as ort
import aotml.tiktoken as tiktoken
from aotml.onnxruntime.capi.onnxruntime_pybind11_state import InvalidProtobuf

print(f"aotml {aotml.__version__} (backend: {aotml.backend()}, ONNX Runtime {aotml.ort_version()})")

# Normalization kernels: numpy in, numpy out, GIL released, no copies of the input.
emb = np.random.default_rng(0).standard_normal((4, 384)).astype(np.float32)
unit = aotml.l2_normalize(emb)
print("l2_normalize: row norms", np.round(np.linalg.norm(unit, axis=1), 6))
logits = np.array([[2.0, 1.0, 0.1], [1000.0, 1001.0, 1002.0]], dtype=np.float32)
print("softmax (stable for large logits):\n", np.round(aotml.softmax(logits), 4))
print("layer_norm row means ~0:", np.round(aotml.layer_norm(emb).mean(axis=1), 6))
aotml.minmax_scale(emb, axis=None, out=emb)  # in place
print(f"minmax_scale in place: min={emb.min():.3f} max={emb.max():.3f}")
try:
    aotml.softmax(np.arange(6, dtype=np.int64))
except aotml.InvalidArgument as e:  # also a ValueError
    print("clear errors:", e)

# tiktoken-compatible tokenization: the encodings ship in the wheel; ids identical to tiktoken's.
enc = tiktoken.encoding_for_model("gpt-4o")
ids = enc.encode("Hello from a NativeAOT engine! <|endoftext|>", allowed_special="all")
print(f"{enc.name}: {ids} -> {enc.decode(ids)!r}; {enc.count_tokens('tokens counted without a list')} tokens")
batch, offsets = enc.encode_batch_to_numpy(["one", "two words", "three little words"], num_threads=2)
print("encode_batch_to_numpy:", batch.tolist(), offsets.tolist())

# ONNX inference with onnxruntime's API: a tiny model built with the onnx package (Debian's python3-onnx).
from onnx import TensorProto, helper  # noqa: E402

graph = helper.make_graph(
    [helper.make_node("Gemm", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"])], "mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor("w", TensorProto.FLOAT, [4, 3], np.linspace(-1, 1, 12).tolist())])
model = helper.make_model(graph, producer_name="aotml-demo", opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
x = np.arange(8, dtype=np.float32).reshape(2, 4)
(y,) = sess.run(None, {"x": x})
print("onnx:", [(i.name, i.shape, i.type) for i in sess.get_inputs()], "->", y.tolist())
try:
    ort.InferenceSession(b"not a model")
except InvalidProtobuf as e:  # onnxruntime's class for ORT's status code, and an aotml.OnnxRuntimeError
    print("onnxruntime's errors:", type(e).__name__, isinstance(e, aotml.OnnxRuntimeError))
