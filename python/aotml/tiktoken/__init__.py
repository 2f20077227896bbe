"""A drop-in for tiktoken: the same ids, the same API and module layout, without the GIL.

    import aotml.tiktoken as tiktoken

    enc = tiktoken.get_encoding("o200k_base")
    enc.encode("hello world")                                  # [24912, 2375]
    from aotml.tiktoken.load import load_tiktoken_bpe         # tiktoken's submodules: core, load, model, registry

The encodings tiktoken ships (gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base) are bundled in the
wheel; nothing is fetched at import or run time.
"""
from __future__ import annotations

from . import core, load, model, registry
from .core import Encoding
from .load import load_tiktoken_bpe
from .model import encoding_for_model, encoding_name_for_model
from .registry import get_encoding, list_encoding_names

__all__ = ["Encoding", "get_encoding", "encoding_for_model", "encoding_name_for_model", "list_encoding_names",
           "load_tiktoken_bpe", "core", "load", "model", "registry"]
