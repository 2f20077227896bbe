"""Who keeps what alive: views keep their memory's owner, bindings their session, copies never share a handle.

Each case runs in its own interpreter, so a crash (a view over freed memory, a handle freed twice) fails that case
with the child's signal instead of ending the suite. Big arrays (64 MB) are used where freed memory must really go
back to the system: reading it then faults rather than quietly returning stale numbers.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import aotml

PYTHONPATH = f"{Path(aotml.__file__).parent.parent}:{Path(__file__).parent}"

PRELUDE = """
import copy, gc, pickle, sys, threading, time
import numpy as np
import aotml, aotml.onnxruntime as ort, aotml.tiktoken as tiktoken
from aotml import _backend
from onnx_models import add_one, model_bytes, vi
from onnx import TensorProto, helper, numpy_helper
_backend.select(sys.argv[1])

def churn():
    # Reuses freed memory: stale views then read other numbers (or fault, for unmapped pages).
    junk = [np.full(1 << 20, 7.0) for _ in range(24)]
    gc.collect()
    return junk

def chain_reaches(arr, target):
    base = arr
    while base is not None:
        if base is target:
            return True
        base = getattr(base, "base", None)
    return False
"""


def run_case(backend: str, body: str) -> str:
    script = PRELUDE + textwrap.dedent(body)
    r = subprocess.run([sys.executable, "-c", script, backend], capture_output=True, text=True, timeout=300,
                       env={"PYTHONPATH": PYTHONPATH, "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
    return r.stdout.strip()


def test_ortvalue_numpy_keeps_the_callers_array_alive(backend):
    out = run_case(backend, """
        x = np.arange(1 << 23, dtype=np.float64)           # 64 MB: freed pages go back to the system
        expected = float(x.sum())
        y = ort.OrtValue.ortvalue_from_numpy(x).numpy()
        assert chain_reaches(y, x)
        del x
        junk = churn()
        print(float(y.sum()) == expected)
    """)
    assert out == "True"


def test_iobinding_outputs_keep_the_bound_array_alive(backend):
    out = run_case(backend, """
        n = 1 << 24                                        # float32: 64 MB
        s = ort.InferenceSession(add_one((n,)))
        b = s.io_binding()
        b.bind_cpu_input("X", np.ones(n, np.float32))
        out = np.empty(n, np.float32)
        b.bind_ortvalue_output("Y", ort.OrtValue.ortvalue_from_numpy(out))
        s.run_with_iobinding(b)
        arrays = b.copy_outputs_to_cpu()
        values = b.get_outputs()
        assert chain_reaches(arrays[0], out)
        del b, out
        junk = churn()
        print(float(arrays[0].sum()), float(values[0].numpy().sum()))
    """)
    assert out == f"{2.0 * (1 << 24)} {2.0 * (1 << 24)}"


def test_iobinding_outputs_ort_allocated_outlive_the_binding(backend):
    out = run_case(backend, """
        s = ort.InferenceSession(add_one((4,)))
        b = s.io_binding()
        b.bind_cpu_input("X", np.arange(4, dtype=np.float32))
        b.bind_output("Y")
        s.run_with_iobinding(b)
        y = b.copy_outputs_to_cpu()[0]
        assert y.base is not None
        del b, s
        junk = churn()
        print(y.tolist())
    """)
    assert out == "[1.0, 2.0, 3.0, 4.0]"


def test_session_outputs_outlive_the_session(backend):
    out = run_case(backend, """
        s = ort.InferenceSession(add_one((2, 3)))
        (y,) = s.run(None, {"X": np.zeros((2, 3), np.float32)})
        v = s.run_with_ort_values(None, {"X": ort.OrtValue.ortvalue_from_numpy(np.ones((2, 3), np.float32))})[0]
        assert y.base is not None
        del s
        junk = churn()
        print(y.tolist(), v.numpy().tolist())
    """)
    assert out == "[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]] [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]"


def test_sequence_outputs_outlive_the_value_they_came_from(backend):
    out = run_case(backend, """
        n = 1 << 22
        data = model_bytes([helper.make_node("SequenceConstruct", ["A", "B"], ["S"])],
                           [vi("A", TensorProto.FLOAT, [n]), vi("B", TensorProto.FLOAT, [2])],
                           [helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, None)])
        s = ort.InferenceSession(data)
        (seq,) = s.run(None, {"A": np.full(n, 3, np.float32), "B": np.array([4, 5], np.float32)})
        del s
        junk = churn()
        print(float(seq[0].sum()) == 3.0 * n, seq[1].tolist())
    """)
    assert out == "True [4.0, 5.0]"


def test_encode_results_outlive_their_encoding(backend):
    out = run_case(backend, """
        base = tiktoken.get_encoding("gpt2")
        enc = tiktoken.Encoding("mine", pat_str=base._pat_str, mergeable_ranks=base._mergeable_ranks,
                                special_tokens={"<|endoftext|>": 50256})
        text = "hello world " * 1000
        expected = base.encode(text)
        a = enc.encode_to_numpy(text)
        ids, offsets = enc.encode_batch_to_numpy([text, text])
        matrix, lengths = enc.encode_batch_to_numpy([text, "hi"], padding=0)
        assert a.base is not None and ids.base is not None and offsets.base is not None
        del enc
        junk = churn()
        print(a.tolist() == expected, ids.tolist() == expected * 2, offsets.tolist() == [0, len(expected), 2 * len(expected)],
              matrix[0].tolist() == expected, lengths.tolist() == [len(expected), 1])
    """)
    assert out == "True True True True True"


def test_run_pins_its_feed_while_another_thread_empties_it(backend):
    # X is read by every one of 16 nodes over 64 MB: the run is long, and X must stay alive all through it.
    out = run_case(backend, """
        n, steps = 1 << 24, 16
        nodes = [helper.make_node("Add", ["X", "X"], ["t0"])]
        nodes += [helper.make_node("Add", [f"t{i - 1}", "X"], [f"t{i}" if i < steps - 1 else "Y"])
                  for i in range(1, steps)]
        s = ort.InferenceSession(model_bytes(nodes, [vi("X", TensorProto.FLOAT, [n])], [vi("Y", TensorProto.FLOAT, [n])]))
        wrong = 0
        for attempt in range(3):
            feed = {"X": np.ones(n, np.float32)}
            started = threading.Event()
            def meddle():
                started.wait()
                time.sleep(0.02)
                feed.clear()                               # drops the only other reference to X
                junk = churn()
            t = threading.Thread(target=meddle)
            t.start()
            started.set()
            (y,) = s.run(None, feed)
            t.join()
            wrong += int(not (y == steps + 1).all())
        print("wrong", wrong)
    """)
    assert out == "wrong 0"


def test_iobinding_keeps_its_session_alive(backend):
    out = run_case(backend, """
        s = ort.InferenceSession(add_one((3,)))
        run = s.run_with_iobinding
        b = s.io_binding()
        del s
        gc.collect()
        b.bind_cpu_input("X", np.zeros(3, np.float32))
        b.bind_output("Y")
        run(b)
        print(b.copy_outputs_to_cpu()[0].tolist())
    """)
    assert out == "[1.0, 1.0, 1.0]"


def test_released_session_makes_its_bindings_raise(backend):
    out = run_case(backend, """
        s = ort.InferenceSession(add_one((3,)))
        b = s.io_binding()
        b.bind_cpu_input("X", np.zeros(3, np.float32))
        b.bind_output("Y")
        s.run_with_iobinding(b)
        v = s.run_with_ort_values(None, {"X": ort.OrtValue.ortvalue_from_numpy(np.zeros(3, np.float32))})[0]
        s.__del__()                                        # an explicit release, as onnxruntime's tests do
        gc.collect()
        for what, call in [("run", lambda: s.run(None, {"X": np.zeros(3, np.float32)})),
                           ("run_with_iobinding", lambda: s.run_with_iobinding(b)),
                           ("bind", lambda: b.bind_cpu_input("X", np.zeros(3, np.float32))),
                           ("outputs", lambda: b.copy_outputs_to_cpu()),
                           ("io_binding", lambda: s.io_binding())]:
            try:
                call()
                print(what, "no error")
            except ValueError as e:
                print(what, "released" in str(e))
        print(v.numpy().tolist())                          # values the session returned stay readable
        s.__del__()                                        # twice is harmless
    """)
    assert out.splitlines() == ["run True", "run_with_iobinding True", "bind True", "outputs True", "io_binding True",
                                "[1.0, 1.0, 1.0]"]


def test_copies_rebuild_from_content_and_never_share_a_handle(backend):
    out = run_case(backend, """
        import cloudpickle
        ro = ort.RunOptions()
        ro.run_tag = "tag"
        ro.add_run_config_entry("k", "v")
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        s = ort.InferenceSession(add_one((2,)), sess_options=so)
        base = tiktoken.get_encoding("gpt2")
        custom = tiktoken.Encoding("mine", pat_str=base._pat_str, mergeable_ranks=base._mergeable_ranks,
                                   special_tokens={})
        v = ort.OrtValue.ortvalue_from_shape_and_type([2], np.float32)
        copies = []
        for dup in (copy.copy, copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o)),
                    lambda o: cloudpickle.loads(cloudpickle.dumps(o))):
            r2, s2, c2, v2, so2 = dup(ro), dup(s), dup(custom), dup(v), dup(so)
            assert r2._h != ro._h and r2.run_tag == "tag" and r2.get_run_config_entry("k") == "v"
            assert s2._h != s._h and s2.run(None, {"X": np.zeros(2, np.float32)}, r2)[0].tolist() == [1.0, 1.0]
            assert c2._handle != custom._handle and c2.encode("hello world") == base.encode("hello world")
            assert v2._h != v._h and v2.numpy().tolist() == [0.0, 0.0]
            assert so2.intra_op_num_threads == 1
            assert dup(base) is base                      # bundled encodings are shared by name
            copies += [r2, s2, c2, v2]
        del ro, s, custom, v
        gc.collect()
        print(len(copies), copies[1].run(None, {"X": np.ones(2, np.float32)})[0].tolist())
        del copies
        gc.collect()
    """)
    assert out == "16 [2.0, 2.0]"


def test_objects_over_foreign_memory_refuse_to_copy(backend):
    out = run_case(backend, """
        import cloudpickle
        s = ort.InferenceSession(add_one((2,)))
        b = s.io_binding()
        x = np.zeros(2, np.float32)
        over_x = ort.OrtValue.ortvalue_from_numpy(x)
        for obj in (b, over_x):
            for dup in (copy.copy, copy.deepcopy, pickle.dumps, cloudpickle.dumps):
                try:
                    dup(obj)
                    print("copied", type(obj).__name__)
                except TypeError as e:
                    print("refused" if "cannot copy or pickle" in str(e) else e)
    """)
    assert out.splitlines() == ["refused"] * 8


def test_owner_release_is_idempotent_and_owners_refuse_pickle(backend):
    import pickle

    from aotml import _handles
    owner = _handles.own(aotml._backend.impl.onnx_run_options_new())
    _handles.release(owner)
    _handles.release(owner)
    assert owner.released and owner.h.closed
    with pytest.raises(aotml.InvalidArgument, match="was closed"):  # a later use is an error, not a crash
        aotml._backend.impl.onnx_run_options_set(owner.h, "k", "v")
    with pytest.raises(TypeError, match="cannot be copied"):
        pickle.dumps(owner)
