"""Chooses the private engine surface: the abi3 extension ``_ext``, or ``_ctypes`` where it is absent.

``AOTML_BACKEND=ctypes`` forces the fallback. Both expose the same functions with the same arguments and raise the
same exceptions; handles are plain ints valid on both, since both drive one loaded libaotml.so.
"""
from __future__ import annotations

import os
from types import ModuleType

__all__ = ["impl", "name", "select"]


def _load(which: str) -> ModuleType:
    if which == "ext":
        from . import _ext
        return _ext
    if which == "ctypes":
        from . import _ctypes
        return _ctypes
    raise ValueError(f"unknown aotml backend {which!r}; expected 'ext' or 'ctypes'")


# The engine is compiled for x86-64-v3; on an older CPU the runtime would abort the whole interpreter at load.
_REQUIRED_CPU_FLAGS = ("avx2", "fma", "bmi2", "movbe")


def _check_cpu(cpuinfo: str = "/proc/cpuinfo") -> None:
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
            else:
                return
    except OSError:
        return  # no /proc: let the loader decide
    missing = [flag for flag in _REQUIRED_CPU_FLAGS if flag not in flags]
    if missing:
        raise ImportError(f"aotml's engine needs an x86-64-v3 CPU (AVX2, FMA, BMI2); this one lacks {', '.join(missing)}")


def _default() -> tuple[str, ModuleType]:
    _check_cpu()
    wanted = os.environ.get("AOTML_BACKEND", "").strip().lower()
    if wanted:
        return wanted, _load(wanted)
    try:
        return "ext", _load("ext")
    except ImportError:
        return "ctypes", _load("ctypes")


name, impl = _default()


def select(which: str) -> None:
    """Switches the backend for this process (tests run every case on both)."""
    global name, impl
    impl = _load(which)
    name = which
