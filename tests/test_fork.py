"""fork while other threads are inside aotml calls: the child can use every feature (the fork gate in both backends
waits until no thread is inside the engine, so the child's runtime is not left waiting for a thread that is gone)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from forking import PYTHONPATH

FORKS = 50

SCRIPT = textwrap.dedent("""
    import os, sys, threading, time
    import numpy as np, aotml, aotml.tiktoken, aotml.onnxruntime
    from aotml import _backend
    import onnx_models
    _backend.select(sys.argv[1])
    forks = int(sys.argv[2])

    gpt2 = aotml.tiktoken.get_encoding("gpt2")
    ranks = {bytes([i]): i for i in range(256)}
    ranks[b"ab"] = 256
    model = onnx_models.add_one((4, 16))
    x = np.ones((4, 16), np.float32)
    texts = ["hello world, fork me " * 20] * 64
    stop = threading.Event()
    busy = [0, 0, 0]

    def batch():
        while not stop.is_set():
            gpt2.encode_batch(texts, num_threads=2)
            busy[0] += 1

    def construct():
        while not stop.is_set():
            aotml.tiktoken.Encoding("mine", pat_str=gpt2._pat_str, mergeable_ranks=ranks, special_tokens={"<|x|>": 300})
            busy[1] += 1

    def run():
        s = aotml.onnxruntime.InferenceSession(model)
        while not stop.is_set():
            s.run(None, {"X": x})
            busy[2] += 1

    def child():
        ok = gpt2.encode("hello world") == [31373, 995]
        enc = aotml.tiktoken.Encoding("child", pat_str=gpt2._pat_str, mergeable_ranks=ranks, special_tokens={})
        ok = ok and enc.encode("ab") == [256]
        (y,) = aotml.onnxruntime.InferenceSession(model).run(None, {"X": x})
        ok = ok and bool((y == 2).all())
        ok = ok and abs(float(aotml.softmax(np.ones(8, np.float32)).sum()) - 1) < 1e-6
        ok = ok and len(gpt2.encode_batch(texts[:4], num_threads=2)) == 4
        return ok

    threads = [threading.Thread(target=f, daemon=True) for f in (batch, construct, run)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while min(busy) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    print("started", busy, flush=True)
    failures = []
    for i in range(forks):
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if child() else 3)
            except BaseException:
                os._exit(4)
        deadline = time.monotonic() + 30
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                code = "hang"
                break
            time.sleep(0.005)
        if code != 0:
            failures.append((i, code))
        print("fork", i, code, flush=True)
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()
    print("busy", busy)
    print("failures", failures)
    sys.exit(1 if failures else 0)
""")


@pytest.mark.parametrize("backend_name", ["ext", "ctypes"])
def test_forks_while_threads_are_inside_the_engine(backend_name):
    r = subprocess.run([sys.executable, "-c", SCRIPT, backend_name, str(FORKS)], capture_output=True, text=True,
                       timeout=600, env={"PYTHONPATH": PYTHONPATH})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "failures []" in r.stdout
