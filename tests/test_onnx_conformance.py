"""ONNX's own conformance data (Debian's libonnx-testdata): the node, simple, pytorch-converted and pytorch-operator
suites through ort.InferenceSession, inputs and expected outputs (tensors, sequences, maps, optionals) read with
onnx.numpy_helper. Every case must match (rtol 1e-3, atol 1e-7) except the ones ONNX Runtime itself refuses, listed
below with ORT's reason."""
from __future__ import annotations

import glob
import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

import aotml
import aotml.onnxruntime as ort

DATA = Path("/usr/share/libonnx-testdata/data")
SUITES = ["node", "simple", "pytorch-converted", "pytorch-operator"]

# ORT 1.31 has no CPU kernels for these opset versions (it supports opset 7 onwards for these operators).
_OLD_OPSET = "Could not find an implementation for"
_TRAINING = "is not a registered function/op"  # ai.onnx.preview.training operators: ORT's training build only
_BATCHWISE = "Batchwise recurrent operations (layout == 1) are not supported"
# Cases ONNX Runtime refuses at session creation, with the reason it gives (matched against its message).
ORT_REJECTS = {
    **{f"node/{c}": f"ai.onnx.preview.training:{op}(-1) {_TRAINING}" for c, op in {
        "test_adagrad": "Adagrad", "test_adagrad_multiple": "Adagrad", "test_adam": "Adam",
        "test_adam_multiple": "Adam", "test_momentum": "Momentum", "test_momentum_multiple": "Momentum",
        "test_nesterov_momentum": "Momentum"}.items()},
    **{f"node/{c}": f"{_OLD_OPSET} {op}" for c, op in {
        "test_bitshift_left_uint16": "BitShift(11)", "test_bitshift_right_uint16": "BitShift(11)",
        "test_max_int16": "Max(13)", "test_max_uint16": "Max(13)", "test_min_int16": "Min(13)",
        "test_min_uint16": "Min(13)", "test_pow_types_float32_uint32": "Pow(15)",
        "test_pow_types_float32_uint64": "Pow(15)"}.items()},
    **{f"node/test_{op}_batchwise": _BATCHWISE for op in ["gru", "lstm", "simple_rnn"]},
    **{f"node/test_strnormalizer_export_monday_{c}": "Failed to construct locale with name:en_US.UTF-8"
       for c in ["casesensintive_lower", "casesensintive_upper", "empty_output", "insensintive_upper_twodim"]},
    "simple/test_gradient_of_add": "ai.onnx.preview.training:Gradient(-1) is not a registered function/op",
    "simple/test_gradient_of_add_and_mul": "ai.onnx.preview.training:Gradient(-1) is not a registered function/op",
    # StringNormalizer builds an en_US.UTF-8 std::locale; ORT fails where that locale is not installed.
    **{f"simple/test_strnorm_model_monday_{c}": "Failed to construct locale with name:en_US.UTF-8"
       for c in ["casesensintive_lower", "casesensintive_upper", "empty_output", "insensintive_upper_twodim"]},
    **{f"pytorch-converted/{c}": f"{_OLD_OPSET} {op}" for c, op in {
        "test_AvgPool1d": "AveragePool(1)", "test_AvgPool1d_stride": "AveragePool(1)",
        "test_AvgPool2d": "AveragePool(1)", "test_AvgPool2d_stride": "AveragePool(1)",
        "test_AvgPool3d": "AveragePool(1)", "test_AvgPool3d_stride": "AveragePool(1)",
        "test_AvgPool3d_stride1_pad0_gpu_input": "AveragePool(1)",
        "test_BatchNorm1d_3d_input_eval": "BatchNormalization(6)", "test_BatchNorm2d_eval": "BatchNormalization(6)",
        "test_BatchNorm2d_momentum_eval": "BatchNormalization(6)", "test_BatchNorm3d_eval": "BatchNormalization(6)",
        "test_BatchNorm3d_momentum_eval": "BatchNormalization(6)", "test_GLU": "Mul(6)", "test_GLU_dim": "Mul(6)",
        "test_Linear": "Gemm(6)", "test_PReLU_1d": "PRelu(6)", "test_PReLU_1d_multiparam": "PRelu(6)",
        "test_PReLU_2d": "PRelu(6)", "test_PReLU_2d_multiparam": "PRelu(6)", "test_PReLU_3d": "PRelu(6)",
        "test_PReLU_3d_multiparam": "PRelu(6)", "test_PoissonNLLLLoss_no_reduce": "Mul(6)", "test_Softsign": "Add(6)",
    }.items()},
    **{f"pytorch-operator/{c}": f"{_OLD_OPSET} {op}" for c, op in {
        "test_operator_add_broadcast": "Add(6)", "test_operator_add_size1_broadcast": "Add(6)",
        "test_operator_add_size1_right_broadcast": "Add(6)", "test_operator_add_size1_singleton_broadcast": "Add(6)",
        "test_operator_addconstant": "Add(6)", "test_operator_addmm": "Gemm(6)", "test_operator_basic": "Add(6)",
        "test_operator_mm": "Gemm(6)", "test_operator_non_float_params": "Add(6)", "test_operator_params": "Add(6)",
        "test_operator_pow": "Pow(1)",
    }.items()},
}


# Cases whose stored inputs do not fit their model: ORT refuses the run (the model declares bfloat16[3,4] for 'like',
# the data is a uint16[1] tensor), as it does any input of the wrong type and shape.
DATA_MISMATCH = {f"node/test_castlike_{c}": "input 'like' expects shape [3,4]" for c in [
    "BFLOAT16_to_FLOAT", "BFLOAT16_to_FLOAT_expanded", "FLOAT_to_BFLOAT16", "FLOAT_to_BFLOAT16_expanded"]}


# Cases ONNX Runtime runs whose values differ from ONNX's reference data (aotml hands ORT's results over unchanged):
# random operators draw from ORT's generator, ORT formats floats as strings its own way, and its DFT/STFT, MaxUnpool
# with output_shape and align_corners Resize disagree with the onnx 1.12 data. Shapes and dtypes are still checked.
ORT_DIFFERS = {
    **{f"node/test_bernoulli{c}": "random" for c in ["", "_double", "_double_expanded", "_expanded", "_seed",
                                                      "_seed_expanded"]},
    **{f"node/test_training_dropout{c}": "random" for c in ["", "_default", "_default_mask", "_mask"]},
    **{f"node/test_{c}": "float to string" for c in ["cast_FLOAT_to_STRING", "castlike_FLOAT_to_STRING",
                                                      "castlike_FLOAT_to_STRING_expanded"]},
    **{f"node/test_{c}": "ORT's values" for c in [
        "dft", "dft_axis", "dft_inverse", "stft", "stft_with_window", "maxunpool_export_with_output_shape",
        "resize_downsample_scales_cubic_align_corners", "resize_downsample_scales_linear_align_corners"]},
}

def _cases() -> list[str]:
    if not DATA.is_dir():
        return []
    return [f"{s}/{c}" for s in SUITES for c in sorted(os.listdir(DATA / s)) if (DATA / s / c / "model.onnx").exists()]


CASES = _cases()


def _load(path: str, type_proto: onnx.TypeProto):
    raw = Path(path).read_bytes()
    if type_proto.HasField("optional_type"):
        opt = onnx.OptionalProto()
        opt.ParseFromString(raw)
        return numpy_helper.to_optional(opt)
    if type_proto.HasField("sequence_type"):
        seq = onnx.SequenceProto()
        seq.ParseFromString(raw)
        return numpy_helper.to_list(seq)
    if type_proto.HasField("map_type"):
        m = onnx.MapProto()
        m.ParseFromString(raw)
        return numpy_helper.to_dict(m)
    t = onnx.TensorProto()
    t.ParseFromString(raw)
    return numpy_helper.to_array(t)


def _compare(actual, expected, what: str, values: bool = True) -> None:
    if expected is None:
        assert actual is None, f"{what}: an empty optional expected, got {type(actual).__name__}"
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), what
        for k in expected:
            _compare(np.asarray(actual[k]), np.asarray(expected[k]), f"{what}[{k!r}]", values)
        return
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), what
        for a, e in zip(actual, expected):
            _compare(a, e, what, values)
        return
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if not values:
        assert expected.dtype.kind in "OUS" or actual.dtype == expected.dtype, what
        return
    if expected.dtype.kind in "OUS":
        assert actual.astype(str).tolist() == expected.astype(str).tolist(), what
    else:
        assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != {expected.dtype}"
        np.testing.assert_allclose(actual, expected, rtol=1e-3, atol=1e-7, err_msg=what)


def test_the_suites_are_there():
    if not DATA.is_dir():
        pytest.skip(f"{DATA} is missing: install Debian's libonnx-testdata (python3 build.py test does)")
    assert len(CASES) >= 100, f"only {len(CASES)} conformance cases found under {DATA}"
    missing = (set(ORT_REJECTS) | set(DATA_MISMATCH) | set(ORT_DIFFERS)) - set(CASES)
    assert not missing, f"listed as rejected but absent: {missing}"


@pytest.mark.parametrize("case", CASES)
def test_conformance(backend, case):
    model_path = DATA / case / "model.onnx"
    if case in ORT_REJECTS:
        with pytest.raises(aotml.OnnxRuntimeError) as e:
            ort.InferenceSession(model_path)
        assert ORT_REJECTS[case] in str(e.value)
        return
    model = onnx.load(str(model_path))
    initializers = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    session = ort.InferenceSession(model_path)
    datasets = sorted(glob.glob(str(DATA / case / "test_data_set_*")))
    assert datasets
    for ds in datasets:
        feed = {}
        for k, i in enumerate(inputs):
            p = f"{ds}/input_{k}.pb"
            if os.path.exists(p):
                feed[i.name] = _load(p, i.type)
        if case in DATA_MISMATCH:
            with pytest.raises(ValueError, match=DATA_MISMATCH[case].replace("[", r"\[")):
                session.run(None, feed)
            continue
        outputs = session.run(None, feed)
        assert len(outputs) == len(model.graph.output)
        for k, o in enumerate(model.graph.output):
            _compare(outputs[k], _load(f"{ds}/output_{k}.pb", o.type), f"{case} {os.path.basename(ds)} output {o.name}",
                     values=case not in ORT_DIFFERS)
