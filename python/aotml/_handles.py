"""Ownership of engine objects from the public modules: one owner per native object, one way to free it.

``own(h)`` wraps a ``Handle`` the private surface returned in an ``Owner``; the handle frees its object once, when
garbage-collected or through ``release``. The public modules keep an object alive by holding its owner (a view holds the owner of
what it views) and never free a handle any other way, so an explicit release and a finalizer cannot both free it.
Owners are never copied or pickled: the objects holding them rebuild from content or refuse.
"""
from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["Owner", "own", "release", "refuse_copy"]


class Owner:
    """Holds the private surface's ``Handle`` ``h`` for a public object; ``release`` closes it early.

    The ``Handle`` frees its engine object once (when closed or collected) and refuses copies; the owner adds the
    explicit release the public objects offer (``InferenceSession.__del__``...) and keeps a closed handle in place,
    so a later call through it raises the engine's clear "was closed" error instead of reaching freed memory.
    """

    __slots__ = ("h", "__weakref__")

    def __init__(self, h: Any) -> None:
        self.h = h

    def __reduce__(self) -> NoReturn:
        raise TypeError("an engine handle cannot be copied or pickled")

    @property
    def released(self) -> bool:
        return self.h is None or bool(self.h.closed)

    def __repr__(self) -> str:
        return f"<aotml handle {'released' if self.released else 'open'}>"


def own(h: Any) -> Owner:
    """The owner of a handle the private surface just returned."""
    return Owner(h)


def release(owner: Owner | None) -> None:
    """Frees the owner's engine object now (idempotent). Anything still holding the owner then sees a closed
    handle, which the binding reports as an error, never a crash."""
    if owner is None or owner.h is None:
        return
    try:
        owner.h.close()
    except Exception:  # noqa: BLE001 - at interpreter exit the backend may be torn down; the process frees all
        pass


def refuse_copy(obj: Any, why: str) -> NoReturn:
    """Raises the TypeError that copy/pickle of an object bound to native memory gets."""
    raise TypeError(f"cannot copy or pickle {type(obj).__name__}: {why}")
