"""Owned handles: one Handle type per backend, the only thing a handle argument takes; the engine's handle table
refuses freed, forged, stale and foreign values (also straight through the C ABI) instead of crashing."""
from __future__ import annotations

import copy
import ctypes
import gc
import pickle
import random
import threading
import time

import numpy as np
import pytest

import aotml
import aotml.tiktoken
from aotml import _backend
from aotml._errors import INVALID_ARGUMENT, InvalidArgument


def _ranks_handle(impl):
    from array import array
    return impl.tiktoken_new("t", b"ab", array("q", [0, 1, 2]).tobytes(), array("I", [0, 1]).tobytes(), r"\w+", b"",
                             array("q", [0]).tobytes(), b"", 0)


def test_results_are_handles_of_the_backend(backend):
    h = _ranks_handle(_backend.impl)
    assert type(h) is _backend.impl.Handle
    assert not h.closed
    assert _backend.impl.tiktoken_info(h)[0] == 2


def test_close_frees_once_and_is_idempotent(backend):
    impl = _backend.impl
    h = _ranks_handle(impl)
    h.close()
    h.close()
    assert h.closed
    with pytest.raises(InvalidArgument, match="enc was closed"):
        impl.tiktoken_info(h)
    impl.handle_free(h)  # as close(): idempotent
    with pytest.raises(TypeError, match="handle must be an aotml handle, not int"):
        impl.handle_free(5)


@pytest.mark.parametrize("bad", [0, 1, 2**40, -1, None, "h", 3.5])
def test_non_handles_are_type_errors(backend, bad):
    with pytest.raises(TypeError, match=r"enc must be an aotml handle, not \w+"):
        _backend.impl.tiktoken_info(bad)


def test_other_backends_handle_is_refused(backend):
    from aotml import _ctypes, _ext
    other = _ctypes if _backend.impl is _ext else _ext
    h = _ranks_handle(other)
    with pytest.raises(TypeError, match="another aotml backend"):
        _backend.impl.tiktoken_info(h)
    assert other.tiktoken_info(h)[0] == 2


def test_handles_cannot_be_copied_or_pickled(backend):
    h = _ranks_handle(_backend.impl)
    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot be copied/pickled"):
            fn(h)
    with pytest.raises(TypeError, match="made by the engine only"):
        type(h)()


def test_views_keep_their_owner_alive(backend):
    impl = _backend.impl
    v = impl.onnx_value_new((3, 4), 1)
    arr = impl.onnx_value_output(v)
    v.close()
    del v
    gc.collect()
    assert arr.shape == (3, 4) and float(arr.sum()) == 0.0
    arr += 1
    assert float(arr.sum()) == 12.0


def test_closing_while_in_use_defers_the_free(backend):
    impl = _backend.impl
    enc = aotml.tiktoken.Encoding("x", pat_str=r"\w+| ", mergeable_ranks={bytes([i]): i for i in range(256)}, special_tokens={})
    h = enc._handle
    texts = ["some text " * 4000] * 200
    result = {}
    t = threading.Thread(target=lambda: result.update(r=impl.tiktoken_encode_batch(h, None, texts, 1, False, None)))
    t.start()
    time.sleep(0.02)
    h.close()  # the running call keeps the engine object until it returns
    t.join()
    assert [len(ids) for ids in result["r"]] == [40000] * 200
    assert h.closed
    with pytest.raises(InvalidArgument, match="was closed"):
        impl.tiktoken_info(h)


def _raw_info(handle_value: int) -> int:
    from aotml import _ctypes
    lib = _ctypes.lib
    n, m, k = ctypes.c_int64(), ctypes.c_int64(), ctypes.c_int32()
    fn = lib.aotml_tiktoken_info
    return fn(ctypes.c_void_p(handle_value), ctypes.byref(n), ctypes.byref(m), ctypes.byref(k))


def test_forged_freed_and_stale_values_at_the_c_abi():
    from aotml import _ctypes
    h = _ranks_handle(_ctypes)
    value = h._value
    assert _raw_info(value) == 0
    rng = random.Random(5)
    forged = [1, 2, 0xFFFFFFFF, value + 1, value ^ (1 << 40), value ^ (1 << 60), id(object()), 2**63 - 1,
              *(rng.getrandbits(64) for _ in range(200))]
    for f in forged:
        assert _raw_info(f) == INVALID_ARGUMENT, hex(f)
    h.close()
    assert _raw_info(value) == INVALID_ARGUMENT  # freed
    assert _ctypes.lib.aotml_handle_free(ctypes.c_void_p(value)) == INVALID_ARGUMENT  # freeing twice
    h2 = _ranks_handle(_ctypes)  # likely reuses the slot: the old value stays refused (stale)
    assert _raw_info(value) == INVALID_ARGUMENT and _raw_info(h2._value) == 0
    # a handle of another kind
    v = _ctypes.onnx_value_new((1,), 1)
    assert _raw_info(v._value) == INVALID_ARGUMENT
    assert np.asarray(_ctypes.onnx_value_output(v)).shape == (1,)
