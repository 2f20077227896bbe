"""Ctrl-C for long engine calls.

CPython runs signal handlers only in the main thread, between bytecodes; during a long engine call that thread is in
native code and would notice KeyboardInterrupt only when the call returns. So a long call runs on a helper thread
with a cancellation token (aotml_cancel_new) while the calling thread waits in short, interruptible steps; on
KeyboardInterrupt it sets the token, the engine stops between chunks of work, and the interrupt propagates.
Short calls run directly: the helper thread costs tens of microseconds.
"""
from __future__ import annotations

import threading
from collections import abc as _abc
from typing import Any, TypeVar

from . import _backend, _handles

_T = TypeVar("_T")

# Work (bytes of text, ...) below which a call finishes quickly enough not to need a helper thread.
MIN_CANCELLABLE_COST = 1 << 20

# How often the waiting thread wakes to let CPython run its signal handlers (a signal that another thread received
# does not interrupt the wait itself).
_POLL_S = 0.05


def call(run: _abc.Callable[[Any], _T], cost: int, on_wait: _abc.Callable[[], None] | None = None) -> _T:
    """``run(token)`` with Ctrl-C support: token is None for a cheap call (``cost`` below MIN_CANCELLABLE_COST), else a
    cancellation token handle that is set when the calling thread receives KeyboardInterrupt. Only the main thread
    receives KeyboardInterrupt, so calls from other threads run directly. ``on_wait`` (progress reporting) is called
    by the waiting thread each time it wakes."""
    if cost < MIN_CANCELLABLE_COST or threading.current_thread() is not threading.main_thread():
        return run(None)
    impl = _backend.impl
    owner = _handles.own(impl.cancel_new())
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append((True, run(owner.h)))
        except BaseException as e:  # handed to the calling thread, raised there
            outcome.append((False, e))

    worker = threading.Thread(target=work, name="aotml-call", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(_POLL_S)
            if on_wait is not None:
                on_wait()
    except BaseException:  # KeyboardInterrupt, or an error raised by on_wait: the work is not wanted any more
        impl.cancel_set(owner.h)
        worker.join()  # the engine stops within a chunk; the token and the arguments stay alive until then
        raise
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value
