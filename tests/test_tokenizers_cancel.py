"""Ctrl-C during a long aotml.tokenizers batch encode: the call stops soon and KeyboardInterrupt reaches the caller."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import aotml.tokenizers as tk
from aotml import _backend
from aotml._errors import RunCancelledError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402
from support.interrupt import assert_ctrl_c_stops  # noqa: E402

CHILD = """
    import sys, time
    import aotml.tokenizers as tk
    tok = tk.Tokenizer.from_file(sys.argv[1])
    texts = ["The quick brown fox jumps over the lazy dog. Ünïcödé 中文 1234567 cafe\\u0301 " * 8] * {n}
    tok.encode_batch(texts[:100])  # warm: the call below is all encoding
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        out = tok.{method}(texts)
    except KeyboardInterrupt:
        print("interrupted", round(time.monotonic() - t0, 2), flush=True)
        sys.exit(0)
    print("finished", round(time.monotonic() - t0, 2), len(out), flush=True)
"""


@pytest.mark.parametrize("method", ["encode_batch", "encode_batch_to_numpy"])
def test_ctrl_c_stops_a_long_tokenizers_batch_encode(backend, method):
    # ~45 MB of text through BERT: seconds of work, so the interrupt lands mid-call. The combining accent keeps the
    # texts on the general (normalizing) path: the fast path would finish 45 MB in under half a second.
    assert_ctrl_c_stops(textwrap.dedent(CHILD.format(n=80_000, method=method)), backend,
                        args=(str(material.minilm().tokenizer_json),))


def test_cancel_token_stops_the_tokenizer_engine_call(backend):
    # The engine side alone: a call given a token that is already set fails with the cancelled status.
    impl = _backend.impl
    tok = tk.Tokenizer.from_file(material.minilm().tokenizer_json)
    options = tok._options(True, True, False, None)
    token = impl.cancel_new()
    impl.cancel_set(token)
    with pytest.raises(RunCancelledError, match="cancel"):
        impl.tokenizer_encode_batch(tok._owner.h, ["some text"] * 100, [], None, options, "", b"", 2, token)
    token.close()
    fresh = impl.cancel_new()
    assert tok.encode("some text").ids == [101, 2070, 3793, 102]
    block = impl.tokenizer_encode_batch(tok._owner.h, ["some text"], [], None, options, "", b"", 1, fresh)
    assert block is not None
