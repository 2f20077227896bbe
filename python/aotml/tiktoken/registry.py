"""The bundled encodings by name: tiktoken's ``registry`` (``get_encoding``, ``list_encoding_names``).

gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base and o200k_base ship in the wheel; nothing is fetched.
"""
from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

from .. import _backend
from .core import Encoding

__all__ = ["get_encoding", "list_encoding_names"]

_DATA = Path(__file__).resolve().parent.parent / "_data"

_REGISTRY: dict[tuple[str, str], Encoding] = {}  # by (backend, name): a handle serves the backend that made it
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    path = _DATA / "encodings.json"
    if not path.exists():
        from .._errors import EngineFileNotFoundError
        raise EngineFileNotFoundError(f"{path} is missing: the bundled encodings were not built "
                                      "(run `python3 build.py develop`)")
    return json.loads(path.read_text(encoding="utf-8"))


def list_encoding_names() -> list[str]:
    """The names of the bundled encodings."""
    return sorted(_index()["encodings"])


def get_encoding(encoding_name: str) -> Encoding:
    """A bundled encoding by name (loaded once per process, then shared)."""
    key = (_backend.name, encoding_name)
    enc = _REGISTRY.get(key)
    if enc is not None:
        return enc
    with _LOCK:
        enc = _REGISTRY.get(key)
        if enc is not None:
            return enc
        spec = _index()["encodings"].get(encoding_name) if isinstance(encoding_name, str) else None
        if spec is None:
            raise ValueError(f"Unknown encoding {encoding_name!r}. Available encodings: "
                             f"{', '.join(list_encoding_names())}")
        enc = Encoding._from_file(encoding_name, _DATA / spec["ranks"], spec["pat_str"], spec["special_tokens"],
                                  spec["explicit_n_vocab"])
        _REGISTRY[key] = enc
        return enc

