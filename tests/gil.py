"""How far a Python thread gets while another thread runs engine calls: near zero if those calls hold the GIL."""
from __future__ import annotations

import threading
from collections.abc import Callable


def count_during(call: Callable[[], object], repeats: int = 3) -> int:
    """Runs `call` `repeats` times on a worker thread and counts loop iterations of this thread meanwhile."""
    done = threading.Event()
    count = 0

    def worker() -> None:
        try:
            for _ in range(repeats):
                call()
        finally:
            done.set()

    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        count += 1
    t.join()
    return count
