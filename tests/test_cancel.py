"""Ctrl-C during long engine calls: the call stops soon and KeyboardInterrupt reaches the caller."""
from __future__ import annotations

import textwrap

import pytest

import aotml.tiktoken
from aotml import _backend, _cancel
from aotml._errors import RunCancelledError

from support.interrupt import assert_ctrl_c_stops


CHILD = """
    import sys, time
    import aotml.tiktoken as tiktoken
    enc = tiktoken.get_encoding("cl100k_base")
    texts = ["The quick brown fox jumps over the lazy dog. Ünïcödé 中文 1234567 " * 8] * {n}
    enc.encode_ordinary_batch(texts[:100])  # warm: the call below is all encoding
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        ids = enc.{method}(texts, num_threads=1)
    except KeyboardInterrupt:
        print("interrupted", round(time.monotonic() - t0, 2), flush=True)
        sys.exit(0)
    print("finished", round(time.monotonic() - t0, 2), len(ids), flush=True)
"""


@pytest.mark.parametrize("method", ["encode_batch", "encode_ordinary_batch", "encode_batch_to_numpy"])
def test_ctrl_c_stops_a_long_batch_encode(backend, method):
    # ~80 MB of text: seconds of work on one thread, so the interrupt lands mid-call.
    assert_ctrl_c_stops(textwrap.dedent(CHILD.format(n=150_000, method=method)), backend, timeout=30)


def test_cancel_token_stops_the_engine_call(backend):
    # The engine side alone: a call given a token that is already set fails with the cancelled status.
    impl = _backend.impl
    enc = aotml.tiktoken.get_encoding("cl100k_base")
    token = impl.cancel_new()
    impl.cancel_set(token)
    with pytest.raises(RunCancelledError, match="cancel"):
        impl.tiktoken_encode_batch(enc._handle, None, ["some text"] * 100, 2, False, token)
    token.close()
    fresh = impl.cancel_new()
    assert impl.tiktoken_encode_batch(enc._handle, None, ["some text"], 1, False, fresh) == [enc.encode("some text")]


def test_short_and_threaded_calls_run_directly(backend):
    seen = []
    assert _cancel.call(lambda token: seen.append(token) or 1, 10) == 1
    assert seen == [None]
    # A long call from the main thread gets a token; errors come back as raised by the call.
    with pytest.raises(ValueError, match="boom"):
        _cancel.call(lambda token: (_ for _ in ()).throw(ValueError("boom")), _cancel.MIN_CANCELLABLE_COST)
