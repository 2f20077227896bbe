"""Which encoding a model uses: tiktoken's ``model`` (``encoding_for_model``, ``encoding_name_for_model``)."""
from __future__ import annotations

from typing import Any

from .core import Encoding
from .registry import _index, get_encoding

__all__ = ["MODEL_TO_ENCODING", "MODEL_PREFIX_TO_ENCODING", "encoding_for_model", "encoding_name_for_model"]

# Exact model names (from the bundled table, through __getattr__ below) and model-name prefixes, as tiktoken's model.py.
MODEL_TO_ENCODING: dict[str, str]
MODEL_PREFIX_TO_ENCODING: dict[str, str] = {
    "o1-": "o200k_base",
    "o3-": "o200k_base",
    "o4-mini-": "o200k_base",
    "gpt-5-": "o200k_base",
    "gpt-4.5-": "o200k_base",
    "gpt-4.1-": "o200k_base",
    "chatgpt-4o-": "o200k_base",
    "gpt-4o-": "o200k_base",
    "gpt-4-": "cl100k_base",
    "gpt-3.5-turbo-": "cl100k_base",
    "gpt-35-turbo-": "cl100k_base",
    "ft:gpt-4o": "o200k_base",
    "ft:gpt-4": "cl100k_base",
    "ft:gpt-3.5-turbo": "cl100k_base",
    "ft:davinci-002": "cl100k_base",
    "ft:babbage-002": "cl100k_base",
}


def encoding_name_for_model(model_name: str) -> str:
    """The name of the encoding a model uses (tiktoken's table, then its prefix rules)."""
    models = _index()["models"]
    if model_name in models:
        return models[model_name]
    for prefix, name in MODEL_PREFIX_TO_ENCODING.items():
        if model_name.startswith(prefix):
            return name
    raise KeyError(f"Could not automatically map {model_name} to a tokeniser. "
                   "Please use `tiktoken.get_encoding` to explicitly get the tokeniser you expect.")


def encoding_for_model(model_name: str) -> Encoding:
    """The encoding a model uses, e.g. ``encoding_for_model("gpt-4o")`` is o200k_base."""
    return get_encoding(encoding_name_for_model(model_name))


def __getattr__(name: str) -> Any:
    # MODEL_TO_ENCODING (exact model names) comes from the bundled table, read on first use rather than at import.
    if name == "MODEL_TO_ENCODING":
        return dict(_index()["models"])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
