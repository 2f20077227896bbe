from typing import Any, Literal

from ._errors import (AotmlError as AotmlError, EncodeError as EncodeError,
                      EngineFileNotFoundError as EngineFileNotFoundError, InvalidArgument as InvalidArgument,
                      OnnxRuntimeError as OnnxRuntimeError, OnnxRuntimeUnavailableError as OnnxRuntimeUnavailableError,
                      RunCancelledError as RunCancelledError, TokenizerConfigError as TokenizerConfigError,
                      UnknownTokenError as UnknownTokenError)
from .pipelines import TextEmbedder as TextEmbedder, TruncationWarning as TruncationWarning

__version__: str

def ort_version() -> str:
    """The version of the ONNX Runtime library aotml loads (loading it if needed)."""

def normalize(form: str, unistr: str) -> str:
    """Unicode normalization as unicodedata.normalize (UCD 15.0)."""

def backend() -> Literal["ext", "ctypes"]:
    """Which engine binding is in use."""

# Arrays: any C-contiguous float32/float64 buffer-protocol object. Results are numpy arrays when numpy is importable.
def l2_normalize(x: Any, axis: int = -1, eps: float = 1e-12, out: Any = None) -> Any:
    """x / max(‖x‖₂, eps) along axis."""

def minmax_scale(x: Any, axis: int | None = None, feature_range: tuple[float, float] = (0.0, 1.0),
                 out: Any = None) -> Any:
    """(x - min) / (max - min) into feature_range along axis (None: whole array); constant slices map to the low end."""

def standardize(x: Any, axis: int = 0, eps: float = 1e-12, ddof: int = 0, out: Any = None) -> Any:
    """(x - mean) / max(std, eps) along axis."""

def softmax(x: Any, axis: int = -1, out: Any = None) -> Any:
    """exp(x - max) / sum(exp(x - max)) along axis."""

def log_softmax(x: Any, axis: int = -1, out: Any = None) -> Any:
    """(x - max) - log(sum(exp(x - max))) along axis."""

def layer_norm(x: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5, out: Any = None) -> Any:
    """(x - mean) / sqrt(var + eps) * weight + bias over the last axis."""
