"""Execution providers as onnxruntime's Python layer treats them: the lists, and the checks made before a session.

A provider the loaded ONNX Runtime cannot use is dropped with onnxruntime's own warning (so ``["CUDAExecutionProvider",
"CPUExecutionProvider"]`` runs on CPU with a CPU-only build); a session whose providers fail while it is created is
made again on the fallback providers, with onnxruntime's message, unless fallback is disabled.
"""
from __future__ import annotations

import warnings
from collections import abc as _abc
from typing import Any

from ._common import impl

__all__ = ["get_available_providers", "get_all_providers", "get_device", "normalize", "fallback_providers"]

# Every provider name onnxruntime knows (its get_all_providers()), in its order: CPU last.
_ALL = [
    "TensorrtExecutionProvider", "NvTensorRTRTXExecutionProvider", "CUDAExecutionProvider",
    "MIGraphXExecutionProvider", "ROCMExecutionProvider", "OpenVINOExecutionProvider", "DnnlExecutionProvider",
    "VitisAIExecutionProvider", "QNNExecutionProvider", "NnapiExecutionProvider", "VSINPUExecutionProvider",
    "JsExecutionProvider", "CoreMLExecutionProvider", "ArmNNExecutionProvider", "ACLExecutionProvider",
    "DmlExecutionProvider", "RknpuExecutionProvider", "WebNNExecutionProvider", "WebGpuExecutionProvider",
    "XnnpackExecutionProvider", "CANNExecutionProvider", "AzureExecutionProvider", "CPUExecutionProvider",
]

_GPU = {"CUDAExecutionProvider", "TensorrtExecutionProvider", "ROCMExecutionProvider", "MIGraphXExecutionProvider",
        "NvTensorRTRTXExecutionProvider", "DmlExecutionProvider", "WebGpuExecutionProvider"}


def get_all_providers() -> list[str]:
    """Every execution provider name onnxruntime knows, whether or not this build has it."""
    return list(_ALL)


def get_available_providers() -> list[str]:
    """The execution providers a session of the loaded ONNX Runtime accepts, in priority order (CPU last)."""
    return list(impl().onnx_providers())


def get_device() -> str:
    """'CPU', or 'GPU' when a GPU provider is available (onnxruntime's build-flavour answer)."""
    return "GPU" if _GPU & set(get_available_providers()) else "CPU"


def fallback_providers(available: list[str]) -> list[str]:
    """What a failed session is made again with: TensorRT falls back to CUDA, everything else to CPU."""
    if "TensorrtExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def normalize(providers: Any, provider_options: Any, available: list[str]) -> list[tuple[str, dict[str, str]]]:
    """(name, options) pairs, as onnxruntime's check_and_normalize_provider_args makes them: the same errors
    (ValueError), a warning for each provider this build lacks (then left out), duplicates warned and dropped."""
    if providers is None:
        return [("CPUExecutionProvider", {})]
    if isinstance(providers, str):  # a sequence to onnxruntime, which then tries each letter as a provider
        raise TypeError("providers must be a list of names or (name, options) pairs, not a str")
    if not isinstance(providers, _abc.Sequence):
        raise ValueError("'providers' should be a sequence.")
    pairs: list[tuple[str, Any]] = []
    if provider_options is not None:
        if isinstance(provider_options, str) or not isinstance(provider_options, _abc.Sequence):
            raise ValueError("'provider_options' should be a sequence.")
        if len(providers) != len(provider_options):
            raise ValueError("'providers' and 'provider_options' should be the same length if both are given.")
        if not all(isinstance(p, str) for p in providers):
            raise ValueError("Only string values for 'providers' are supported if 'provider_options' is given.")
        if not all(isinstance(o, dict) for o in provider_options):
            raise ValueError("'provider_options' values must be dicts.")
        pairs = list(zip(providers, provider_options))
    else:
        for p in providers:
            if isinstance(p, str):
                pairs.append((p, {}))
            elif isinstance(p, (tuple, list)) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], dict):
                pairs.append((p[0], p[1]))
            else:
                raise ValueError("'providers' values must be either strings or (string, dict) tuples.")
    out: dict[str, dict[str, str]] = {}
    for name, options in pairs:
        if name not in available:
            warnings.warn(f"Specified provider '{name}' is not in available provider names."
                          f"Available providers: '{', '.join(available)}'", stacklevel=4)
            continue
        if name in out:
            warnings.warn(f"Duplicate provider '{name}' encountered, ignoring.", stacklevel=4)
            continue
        out[name] = {str(k): str(v) for k, v in options.items()}
    if not out:  # ORT always registers CPU, the provider of last resort
        out["CPUExecutionProvider"] = {}
    return list(out.items())
