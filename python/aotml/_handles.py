"""Ownership of engine objects from the public modules: one owner per native object, one way to free it.

``own(h)`` wraps a handle the private surface returned in an ``Owner`` that frees it once, when garbage-collected
or through ``release``. The public modules keep an object alive by holding its owner (a view holds the owner of
what it views) and never free a handle any other way, so an explicit release and a finalizer cannot both free it.
Owners are never copied or pickled: the objects holding them rebuild from content or refuse.
"""
from __future__ import annotations

from typing import Any, NoReturn

from . import _backend

__all__ = ["Owner", "own", "release", "refuse_copy"]


class Owner:
    """Owns one engine handle ``h`` (0 once released) on the backend that made it."""

    __slots__ = ("h", "_impl", "__weakref__")

    def __init__(self, h: int) -> None:
        self.h = h
        self._impl = _backend.impl

    def __del__(self) -> None:
        release(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("an engine handle cannot be copied or pickled")

    def __repr__(self) -> str:
        return f"<aotml handle {'released' if not self.h else hex(self.h)}>"


def own(h: int) -> Owner:
    """The owner of a handle the private surface just returned."""
    return Owner(h)


def release(owner: Owner | None) -> None:
    """Frees the owner's handle now (idempotent). Anything still holding the owner then sees a released handle,
    which the engine reports as an error, never a crash."""
    if owner is None:
        return
    h, owner.h = owner.h, 0
    if h:
        try:
            owner._impl.handle_free(h)
        except Exception:  # noqa: BLE001 - at interpreter exit the backend may be torn down; the process frees all
            pass


def refuse_copy(obj: Any, why: str) -> NoReturn:
    """Raises the TypeError that copy/pickle of an object bound to native memory gets."""
    raise TypeError(f"cannot copy or pickle {type(obj).__name__}: {why}")
