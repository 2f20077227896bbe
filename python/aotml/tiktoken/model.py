"""Which encoding a model uses: tiktoken's ``model`` (``encoding_for_model``, ``encoding_name_for_model``), with
tiktoken 0.14's tables."""
from __future__ import annotations

from .core import Encoding
from .registry import get_encoding

__all__ = ["MODEL_TO_ENCODING", "MODEL_PREFIX_TO_ENCODING", "encoding_for_model", "encoding_name_for_model"]

# Model-name prefixes, tried in this order after the exact names below (tiktoken 0.14's order: "gpt-5" before the
# "gpt-4..." entries, so "gpt-5.1" and "gpt-5-mini-2025" resolve without a table update).
MODEL_PREFIX_TO_ENCODING: dict[str, str] = {
    "o1-": "o200k_base",
    "o3-": "o200k_base",
    "o4-mini-": "o200k_base",
    "gpt-5": "o200k_base",
    "gpt-4.5-": "o200k_base",
    "gpt-4.1-": "o200k_base",
    "chatgpt-4o-": "o200k_base",
    "gpt-4o-": "o200k_base",
    "gpt-4-": "cl100k_base",
    "gpt-3.5-turbo-": "cl100k_base",
    "gpt-35-turbo-": "cl100k_base",  # Azure deployment names
    "gpt-oss-": "o200k_harmony",
    "ft:gpt-4o": "o200k_base",
    "ft:gpt-4": "cl100k_base",
    "ft:gpt-3.5-turbo": "cl100k_base",
    "ft:davinci-002": "cl100k_base",
    "ft:babbage-002": "cl100k_base",
}


def _table(encoding: str, names: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), encoding)


# Exact model names.
MODEL_TO_ENCODING: dict[str, str] = {
    **_table("o200k_base", "o1 o3 o4-mini gpt-5 gpt-4.1 gpt-4o"),
    **_table("cl100k_base", "gpt-4 gpt-3.5-turbo gpt-3.5 gpt-35-turbo davinci-002 babbage-002 "
                            "text-embedding-ada-002 text-embedding-3-small text-embedding-3-large"),
    # deprecated models
    **_table("p50k_base", "text-davinci-003 text-davinci-002 code-davinci-002 code-davinci-001 code-cushman-002 "
                          "code-cushman-001 davinci-codex cushman-codex"),
    **_table("r50k_base", "text-davinci-001 text-curie-001 text-babbage-001 text-ada-001 davinci curie babbage ada "
                          "text-similarity-davinci-001 text-similarity-curie-001 text-similarity-babbage-001 "
                          "text-similarity-ada-001 text-search-davinci-doc-001 text-search-curie-doc-001 "
                          "text-search-babbage-doc-001 text-search-ada-doc-001 code-search-babbage-code-001 "
                          "code-search-ada-code-001"),
    **_table("p50k_edit", "text-davinci-edit-001 code-davinci-edit-001"),
    **_table("gpt2", "gpt2 gpt-2"),
}


def encoding_name_for_model(model_name: str) -> str:
    """The name of the encoding a model uses (the exact table, then the prefixes); KeyError if unknown."""
    if model_name in MODEL_TO_ENCODING:
        return MODEL_TO_ENCODING[model_name]
    for prefix, name in MODEL_PREFIX_TO_ENCODING.items():
        if model_name.startswith(prefix):
            return name
    raise KeyError(f"Could not automatically map {model_name} to a tokeniser. "
                   "Please use `tiktoken.get_encoding` to explicitly get the tokeniser you expect.") from None


def encoding_for_model(model_name: str) -> Encoding:
    """The encoding a model uses, e.g. ``encoding_for_model("gpt-4o")`` is o200k_base."""
    return get_encoding(encoding_name_for_model(model_name))
