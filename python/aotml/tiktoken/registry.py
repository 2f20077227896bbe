"""Encodings by name: tiktoken's ``registry`` (``get_encoding``, ``list_encoding_names``).

gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base and o200k_harmony ship in the wheel; nothing is
fetched. Further encodings come, as in tiktoken, from plugin modules ``tiktoken_ext.<name>`` that define
``ENCODING_CONSTRUCTORS`` (name -> a function returning ``Encoding``'s keyword arguments), or from
``register_encoding(name, constructor)``.
"""
from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import threading
from collections import abc
from pathlib import Path
from typing import Any

from .. import _backend
from .core import Encoding

__all__ = ["get_encoding", "list_encoding_names", "register_encoding", "ENCODINGS", "ENCODING_CONSTRUCTORS"]

_DATA = Path(__file__).resolve().parent.parent / "_data"
# tiktoken's own plugin: its encodings are the bundled ones here (and it would fetch them from the network).
_BUNDLED_PLUGIN = "tiktoken_ext.openai_public"

_lock = threading.RLock()
# Loaded encodings by name (tiktoken's name); an encoding is built once per process, then shared.
ENCODINGS: dict[str, Encoding] = {}
# Plugin constructors by name; None until the plugins are first looked for (as tiktoken).
ENCODING_CONSTRUCTORS: dict[str, abc.Callable[[], dict[str, Any]]] | None = None
_REGISTERED: dict[str, abc.Callable[[], dict[str, Any]]] = {}
# By (backend, name): an encoding's handle serves the backend that made it, and the tests run each case on both.
_REGISTRY: dict[tuple[str, str], Encoding] = {}


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    path = _DATA / "encodings.json"
    if not path.exists():
        from .._errors import EngineFileNotFoundError
        raise EngineFileNotFoundError(f"{path} is missing: the bundled encodings were not built "
                                      "(run `python3 build.py develop`)")
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache
def _available_plugin_modules() -> abc.Sequence[str]:
    try:
        # A namespace package, present when any plugin is installed.
        tiktoken_ext = importlib.import_module("tiktoken_ext")
    except ImportError:
        return ()
    return tuple(name for _, name, _ in pkgutil.iter_modules(tiktoken_ext.__path__, "tiktoken_ext.")
                 if name != _BUNDLED_PLUGIN)


def _find_constructors() -> dict[str, abc.Callable[[], dict[str, Any]]]:
    global ENCODING_CONSTRUCTORS
    with _lock:
        if ENCODING_CONSTRUCTORS is not None:
            return ENCODING_CONSTRUCTORS
        found: dict[str, abc.Callable[[], dict[str, Any]]] = dict(_REGISTERED)
        bundled = _index()["encodings"]
        for mod_name in _available_plugin_modules():
            mod = importlib.import_module(mod_name)
            constructors = getattr(mod, "ENCODING_CONSTRUCTORS", None)
            if constructors is None:
                raise ValueError(f"tiktoken plugin {mod_name} does not define ENCODING_CONSTRUCTORS")
            for name, constructor in constructors.items():
                if name in found or name in bundled:
                    raise ValueError(f"Duplicate encoding name {name} in tiktoken plugin {mod_name}")
                found[name] = constructor
        ENCODING_CONSTRUCTORS = found  # only once every plugin loaded: a failure is raised again next time
        return found


def register_encoding(name: str, constructor: abc.Callable[[], dict[str, Any]]) -> None:
    """Makes ``get_encoding(name)`` build ``Encoding(**constructor())`` (once, on first use).

    The constructor returns ``Encoding``'s keyword arguments: name, pat_str, mergeable_ranks, special_tokens and
    optionally explicit_n_vocab, as a ``tiktoken_ext`` plugin's ``ENCODING_CONSTRUCTORS`` entries do.
    """
    if not isinstance(name, str) or not callable(constructor):
        raise TypeError("register_encoding(name: str, constructor: callable)")
    with _lock:
        if name in _index()["encodings"] or name in _REGISTERED or name in (ENCODING_CONSTRUCTORS or {}):
            raise ValueError(f"an encoding named {name!r} is already registered")
        _REGISTERED[name] = constructor
        if ENCODING_CONSTRUCTORS is not None:
            ENCODING_CONSTRUCTORS[name] = constructor


def list_encoding_names() -> list[str]:
    """The names of the bundled encodings, then those of plugins and ``register_encoding``."""
    return sorted(_index()["encodings"]) + list(_find_constructors())


def get_encoding(encoding_name: str) -> Encoding:
    """An encoding by name (built once per process, then shared)."""
    if not isinstance(encoding_name, str):
        raise ValueError(f"Expected a string in get_encoding, got {type(encoding_name)}")
    key = (_backend.name, encoding_name)
    enc = _REGISTRY.get(key)
    if enc is not None:
        return enc
    with _lock:
        enc = _REGISTRY.get(key)
        if enc is not None:
            return enc
        spec = _index()["encodings"].get(encoding_name)
        if spec is not None:
            enc = Encoding._from_file(encoding_name, _DATA / spec["ranks"], spec["pat_str"], spec["special_tokens"],
                                      spec["explicit_n_vocab"])
        else:
            constructor = _find_constructors().get(encoding_name)
            if constructor is None:
                raise ValueError(f"Unknown encoding {encoding_name}.\n"
                                 f"Available encodings: {', '.join(list_encoding_names())}\n"
                                 f"Plugins found: {list(_available_plugin_modules())}")
            enc = Encoding(**constructor())
        _REGISTRY[key] = enc
        ENCODINGS.setdefault(encoding_name, enc)
        return enc
