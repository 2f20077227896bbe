"""The GIL is released during engine calls, and the library keeps working in a forked child."""
from __future__ import annotations

import threading
import time

import numpy as np

import aotml
from forking import forked_child_status
from gil import count_during


def test_gil_is_released_during_a_long_kernel(backend):
    x = np.random.default_rng(0).standard_normal(40_000_000).astype(np.float32)
    out = np.empty_like(x)
    aotml.softmax(x[:1000], out=out[:1000])  # warm up
    start = time.perf_counter()
    aotml.softmax(x, out=out)
    alone = time.perf_counter() - start
    count = count_during(lambda: aotml.softmax(x, out=out))
    # Three calls of `alone` seconds each: with the GIL held, this loop would barely run.
    assert alone > 0.02, f"the call took {alone * 1e3:.1f} ms: too short to tell"
    assert count > 10_000, f"the counting thread advanced only {count} times during {3 * alone:.2f} s of kernels"


def test_threads_share_kernels_and_agree(backend):
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal((64, 384)).astype(np.float32) for _ in range(8)]
    expected = [aotml.layer_norm(x) for x in xs]
    errors = []

    def work(i):
        for _ in range(50):
            if not np.array_equal(aotml.layer_norm(xs[i]), expected[i]):
                errors.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_forked_child_can_use_the_library(backend):
    setup = """
        import threading
        x = np.random.default_rng(0).standard_normal((256, 384)).astype(np.float32)
        ts = [threading.Thread(target=lambda: [aotml.standardize(x) for _ in range(20)]) for _ in range(4)]
        [t.start() for t in ts]; [t.join() for t in ts]
        expected = aotml.l2_normalize(x)
        def child_ok():
            ok = np.array_equal(aotml.l2_normalize(x), expected) and aotml.softmax(x).shape == x.shape
            big = [aotml.standardize(np.ones((1000, 384), np.float32)) for _ in range(50)]  # allocate: GC in child
            return ok and len(big) == 50
    """
    assert forked_child_status(backend, setup, "child_ok()") == "child 0"
