"""Small ONNX models built with onnx.helper for the inference tests (Debian's python3-onnx)."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
ML_OPSET = 3


def model_bytes(nodes, inputs, outputs, initializers=(), name="g", opset=OPSET, ml=False, **meta) -> bytes:
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs), list(initializers))
    opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid("ai.onnx.ml", ML_OPSET)] if ml else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name=meta.pop("producer_name", "aotml-tests"))
    model.ir_version = 8
    for k, v in meta.pop("props", {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    for k, v in meta.items():
        setattr(model, k, v)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def add_one(shape=(1, 16)) -> bytes:
    """Y = X + 1, float32."""
    one = numpy_helper.from_array(np.ones(1, np.float32), "one")
    return model_bytes([helper.make_node("Add", ["X", "one"], ["Y"])], [vi("X", TensorProto.FLOAT, list(shape))],
                       [vi("Y", TensorProto.FLOAT, list(shape))], [one])


def identity(elem, shape) -> bytes:
    """Y = X for any element type and shape (dims may be symbolic strings or None)."""
    return model_bytes([helper.make_node("Identity", ["X"], ["Y"])], [vi("X", elem, shape)], [vi("Y", elem, shape)])


def mlp(d_in=384, hidden=1536, d_out=384, seed=0) -> tuple[bytes, list[np.ndarray]]:
    """float32[batch, d_in] -> Gemm -> Relu -> Gemm -> float32[batch, d_out] with random weights."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((d_in, hidden)) / np.sqrt(d_in)).astype(np.float32)
    b1 = rng.standard_normal(hidden).astype(np.float32) * 0.1
    w2 = (rng.standard_normal((hidden, d_out)) / np.sqrt(hidden)).astype(np.float32)
    b2 = rng.standard_normal(d_out).astype(np.float32) * 0.1
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [helper.make_node("Gemm", ["X", "w1", "b1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "w2", "b2"], ["Y"])]
    data = model_bytes(nodes, [vi("X", TensorProto.FLOAT, ["batch", d_in])],
                       [vi("Y", TensorProto.FLOAT, ["batch", d_out])], inits, name="mlp")
    return data, [w1, b1, w2, b2]


def mlp_reference(x: np.ndarray, w1, b1, w2, b2) -> np.ndarray:
    h = np.maximum(x.astype(np.float64) @ w1 + b1, 0)
    return h @ w2 + b2


def slow_chain(n=24, size=512) -> bytes:
    """A chain of n MatMuls of size x size: long enough to terminate or to watch the GIL."""
    rng = np.random.default_rng(3)
    w = numpy_helper.from_array((rng.standard_normal((size, size)) / np.sqrt(size)).astype(np.float32), "w")
    nodes, prev = [], "X"
    for i in range(n):
        out = "Y" if i == n - 1 else f"t{i}"
        nodes.append(helper.make_node("MatMul", [prev, "w"], [out]))
        prev = out
    return model_bytes(nodes, [vi("X", TensorProto.FLOAT, [size, size])], [vi("Y", TensorProto.FLOAT, [size, size])],
                       [w], name="chain")
