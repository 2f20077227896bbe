"""One session shared by many threads, the GIL released during runs, and no memory growth over many runs."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np

import aotml
import aotml.onnxruntime as ort
from forking import forked_child_status
from gil import count_during
from onnx_models import add_one, mlp, mlp_reference, slow_chain

PYTHONPATH = str(Path(aotml.__file__).parent.parent)


def test_eight_threads_share_one_session_and_every_output_is_exact(backend):
    data, weights = mlp(32, 64, 16)
    s = ort.InferenceSession(data)
    rng = np.random.default_rng(7)
    inputs = [rng.standard_normal((1 + i % 5, 32)).astype(np.float32) for i in range(8 * 300)]
    # Single-threaded results are the reference: the same kernels must give the same bits under contention.
    expected = [s.run(None, {"X": x})[0] for x in inputs]
    for x, e in zip(inputs[:20], expected[:20]):
        np.testing.assert_allclose(e, mlp_reference(x, *weights), rtol=1e-4, atol=1e-5)
    errors: list[str] = []

    def work(t: int) -> None:
        try:
            for i in range(t, len(inputs), 8):
                (y,) = s.run(None, {"X": inputs[i]})
                if not np.array_equal(y, expected[i]):
                    errors.append(f"thread {t}, input {i}")
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]


def test_gil_is_released_during_a_run(backend):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    s = ort.InferenceSession(slow_chain(24, 512), sess_options=o)
    x = np.random.default_rng(0).standard_normal((512, 512)).astype(np.float32)
    s.run(None, {"X": x})
    start = time.perf_counter()
    s.run(None, {"X": x})
    alone = time.perf_counter() - start
    count = count_during(lambda: s.run(None, {"X": x}))
    assert alone > 0.01, f"a run took {alone * 1e3:.1f} ms: too short to tell"
    assert count > 10_000, f"the counting thread advanced only {count} times during {3 * alone:.2f} s of runs"


def test_session_creation_releases_the_gil(backend):
    data, _ = mlp(384, 1536, 384)
    sessions: list = []
    count = count_during(lambda: sessions.append(ort.InferenceSession(data)))
    assert len(sessions) == 3 and count > 1000


def test_rss_stays_flat_over_20000_runs(backend):
    script = textwrap.dedent(f"""
        import numpy as np, aotml.onnxruntime as ort, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from aotml import _backend
        from onnx_models import add_one
        _backend.select({backend!r})
        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        s = ort.InferenceSession(add_one())
        x = np.ones((1, 16), np.float32)
        strings = ort.InferenceSession(__import__("onnx_models").identity(8, [2]))
        words = np.array(["alpha", "beta"])
        for _ in range(2000):
            s.run(None, {{"X": x}}); strings.run(None, {{"X": words}})
        before = rss()
        for i in range(20000):
            (y,) = s.run(None, {{"X": x}})
            if i % 10 == 0:
                strings.run(None, {{"X": words}})
        after = rss()
        assert float(y.sum()) == 32.0
        print(after - before)
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                       env={"PYTHONPATH": PYTHONPATH})
    assert r.returncode == 0, r.stderr
    growth = int(r.stdout.strip())
    assert growth < 10 * 1024 * 1024, f"RSS grew by {growth / 2**20:.1f} MiB over 20,000 runs"


def test_forked_child_can_run_a_session(backend):
    setup = """
        from onnx_models import add_one
        s = ort.InferenceSession(add_one())
        x = np.ones((1, 16), np.float32)
        s.run(None, {"X": x})
    """
    child_ok = ('float(s.run(None, {"X": x})[0].sum()) == 32.0 and '
                'float(ort.InferenceSession(add_one()).run(None, {"X": x})[0].sum()) == 32.0')
    assert forked_child_status(backend, setup, child_ok) == "child 0"
