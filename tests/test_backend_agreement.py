"""Both backends give the same answer to odd arguments: the same results, or the same exception type and message.
Each argument kind is converted once per backend (tools/abi.py), so this table checks the kinds, not each function."""
from __future__ import annotations

import array
import ctypes
from typing import Any, Callable

import numpy as np
import pytest

import aotml
import aotml.tiktoken
from aotml import _backend, _ctypes, _ext


class EncodingStr(str):
    """A str subclass whose encode() lies: the engine must read the real characters on both backends."""

    def encode(self, *args: Any, **kwargs: Any) -> bytes:  # type: ignore[override]
        return b"harmless"


class IndexOnly:
    def __index__(self) -> int:
        return 7


def _outcome(fn: Callable[[], Any]) -> tuple:
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001
        return ("raises", type(e), str(e))
    if isinstance(r, (memoryview, np.ndarray)):
        r = np.asarray(r).tolist()
    if isinstance(r, _ext.Handle) or isinstance(r, _ctypes.Handle):
        r = "Handle"
    if isinstance(r, tuple):
        r = tuple("Handle" if isinstance(x, (_ext.Handle, _ctypes.Handle)) else x for x in r)
    return ("returns", r)


def _on(which: str, case: Callable[[Any, Any], Any]) -> tuple:
    previous = _backend.name
    _backend.select(which)
    try:
        impl = _backend.impl
        enc = aotml.tiktoken.get_encoding("gpt2")
        return _outcome(lambda: case(impl, enc))
    finally:
        _backend.select(previous)


def _custom(n_vocab: Any) -> Any:
    ranks = {bytes([i]): i for i in range(256)}
    return aotml.tiktoken.Encoding("c", pat_str=r"\w+| ", mergeable_ranks=ranks, special_tokens={}, explicit_n_vocab=n_vocab)


def _closed(impl: Any) -> Any:
    v = impl.onnx_value_new((2,), 1)
    v.close()
    return v


noncontig = np.arange(10, dtype=np.uint32)[::2]
c_int64_ids = (ctypes.c_int64 * 3)(31373, 995, 11)

CASES: dict[str, Callable[[Any, Any], Any]] = {
    # decode: token ids from sequences and buffers
    "decode list": lambda i, e: e.decode([31373, 995]),
    "decode numpy scalar": lambda i, e: e.decode(np.int64(5)),
    "decode bytes": lambda i, e: e.decode(b"abc"),
    "decode bytearray": lambda i, e: e.decode(bytearray(b"abc")),
    "decode str": lambda i, e: e.decode("abc"),
    "decode int": lambda i, e: e.decode(5),
    "decode non-contiguous uint32": lambda i, e: e.decode(noncontig),
    "decode ctypes int64 array": lambda i, e: e.decode(c_int64_ids),
    "decode array.array H": lambda i, e: e.decode(array.array("H", [31373, 995])),
    "decode array.array q negative": lambda i, e: e.decode(array.array("q", [1, -1])),
    "decode memoryview B": lambda i, e: e.decode(memoryview(b"ab")),
    "decode 2-D array": lambda i, e: e.decode(np.array([[1, 2]], np.uint32)),
    "decode big-endian": lambda i, e: e.decode(np.array([1, 2], ">u4")),
    "decode float array": lambda i, e: e.decode(np.array([1.0, 2.0])),
    "decode uint64 huge": lambda i, e: e.decode(np.array([2**63], np.uint64)),
    "decode huge int": lambda i, e: e.decode([2**70]),
    "decode negative int": lambda i, e: e.decode([-1]),
    "decode bool": lambda i, e: e.decode([True]),
    "decode numpy ints in list": lambda i, e: e.decode([np.int32(31373), np.uint64(995)]),
    "decode __index__": lambda i, e: e.decode([IndexOnly()]),
    "decode strings in list": lambda i, e: e.decode(["1"]),
    "decode generator": lambda i, e: e.decode(x for x in [31373]),
    "decode unknown id": lambda i, e: e.decode([10**9]),
    # text arguments
    "encode str subclass special": lambda i, e: e.encode(EncodingStr("<|endoftext|>")),
    "encode str subclass ordinary": lambda i, e: e.encode_ordinary(EncodingStr("hello world")),
    "encode lone surrogate": lambda i, e: e.encode_ordinary("a\udc80b"),
    "encode bytes": lambda i, e: e.encode_ordinary(b"abc"),
    "encode_batch str": lambda i, e: i.tiktoken_encode_batch(e._handle, None, "abc", 1, False, None),
    "encode_batch non-str item": lambda i, e: i.tiktoken_encode_batch(e._handle, None, ["a", 1], 1, False, None),
    "encode_batch threads huge": lambda i, e: i.tiktoken_encode_batch(e._handle, None, ["a"], 2**63, False, None),
    "encode_batch threads zero": lambda i, e: i.tiktoken_encode_batch(e._handle, None, ["a"], 0, False, None),
    "encode_batch threads str": lambda i, e: i.tiktoken_encode_batch(e._handle, None, ["a"], "2", False, None),
    "encode_batch threads bool": lambda i, e: i.tiktoken_encode_batch(e._handle, None, ["a"], True, False, None),
    "single token bytearray": lambda i, e: i.tiktoken_encode_single_token(e._handle, bytearray(b"hello")),
    "single token str": lambda i, e: i.tiktoken_encode_single_token(e._handle, "hello"),
    "single token non-contiguous": lambda i, e: i.tiktoken_encode_single_token(e._handle, np.zeros(8, np.uint8)[::2]),
    "token bytes numpy": lambda i, e: i.tiktoken_token_bytes(e._handle, np.uint32(31373)),
    "token bytes huge": lambda i, e: i.tiktoken_token_bytes(e._handle, 2**70),
    "token bytes negative": lambda i, e: i.tiktoken_token_bytes(e._handle, -1),
    "token bytes str": lambda i, e: i.tiktoken_token_bytes(e._handle, "5"),
    "token bytes float": lambda i, e: i.tiktoken_token_bytes(e._handle, 5.0),
    # integers
    "explicit_n_vocab huge": lambda i, e: _custom(2**70),
    "explicit_n_vocab str": lambda i, e: _custom("256"),
    "explicit_n_vocab bool": lambda i, e: _custom(True),
    "explicit_n_vocab 2**40": lambda i, e: _custom(2**40),
    "explicit_n_vocab numpy": lambda i, e: _custom(np.int64(256)).n_vocab,
    "axis 2**63": lambda i, e: aotml.softmax(np.ones((2, 2), np.float32), axis=2**63),
    "axis -2**63": lambda i, e: i.softmax(np.ones(2, np.float32), np.ones(2, np.float32), -2**63, False),
    "axis 2**31": lambda i, e: aotml.softmax(np.ones((2, 2), np.float32), axis=2**31),
    "axis str": lambda i, e: i.softmax(np.ones(2, np.float32), np.ones(2, np.float32), "0", False),
    "axis bool": lambda i, e: i.softmax(np.ones(2, np.float32), np.ones(2, np.float32), True, False),
    "ddof huge": lambda i, e: i.standardize(np.ones(2, np.float32), np.ones(2, np.float32), 0, 1e-9, 2**40),
    "eps str": lambda i, e: i.l2_normalize(np.ones(2, np.float32), np.ones(2, np.float32), 0, "1"),
    "eps huge int": lambda i, e: i.l2_normalize(np.ones(2, np.float32), np.ones(2, np.float32), 0, 10**400),
    "eps numpy": lambda i, e: i.l2_normalize(np.ones(2, np.float32), np.ones(2, np.float32), 0, np.float64(1e-3)),
    # buffers
    "kernel array.array": lambda i, e: aotml.softmax(array.array("f", [1.0, 2.0])),
    "kernel ctypes array": lambda i, e: i.softmax((ctypes.c_double * 2)(1, 2), (ctypes.c_double * 2)(), 0, False),
    "kernel bytes": lambda i, e: i.softmax(b"abcd", bytearray(4), 0, False),
    "kernel no buffer": lambda i, e: i.softmax([1.0], [1.0], 0, False),
    "kernel non-contiguous": lambda i, e: i.softmax(np.ones(8, np.float32)[::2], np.ones(4, np.float32), 0, False),
    # shapes and values
    "value shape huge": lambda i, e: i.onnx_value_new((2**70,), 1),
    "value shape str": lambda i, e: i.onnx_value_new("ab", 1),
    "value shape numpy": lambda i, e: i.onnx_value_describe(i.onnx_value_new(np.array([2, 3]), 1))[:3],
    "value elem huge": lambda i, e: i.onnx_value_new((2,), 2**40),
    "value strings": lambda i, e: i.onnx_value_strings(i.onnx_value_from_strings(
        b"abcd", np.array([0, 1, 4], np.int64), (2,))),
    "value strings short offsets": lambda i, e: i.onnx_value_from_strings(b"abcd", np.array([0, 1], np.int64), (2,)),
    "value strings offsets past end": lambda i, e: i.onnx_value_from_strings(b"ab", np.array([0, 9], np.int64), (1,)),
    "sequence of ints": lambda i, e: i.onnx_value_sequence([1, 2]),
    # handles
    "handle int": lambda i, e: i.tiktoken_info(12345),
    "handle None": lambda i, e: i.tiktoken_info(None),
    "handle closed": lambda i, e: i.onnx_value_count(_closed(i)),
    "handle wrong kind": lambda i, e: i.onnx_value_count(e._handle),
    "optional handle int": lambda i, e: i.tiktoken_encode(e._handle, 0, "hi"),
    "tiktoken_new short offsets": lambda i, e: i.tiktoken_new("x", b"ab", np.array([0, 1], np.int64).tobytes(),
                                                             np.array([0, 1], np.uint32).tobytes(), r"\w+", b"",
                                                             np.array([0], np.int64).tobytes(), b"", 0),
    "tiktoken_new ragged ranks": lambda i, e: i.tiktoken_new("x", b"ab", b"\0" * 24, b"\0" * 7, r"\w+", b"",
                                                            b"\0" * 8, b"", 0),
    "wrong argument count": lambda i, e: i.tiktoken_info(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_backends_agree(name):
    ext, cty = _on("ext", CASES[name]), _on("ctypes", CASES[name])
    if name == "wrong argument count":  # Python words its own arity errors; the C shim says the same in its words
        ext, cty = ext[:2], cty[:2]
    assert ext == cty


def test_fixed_disagreements_have_the_sensible_answer():
    """The cases the backends used to disagree on, with the behaviour both now share."""
    for which in ("ext", "ctypes"):
        out = {k: _on(which, CASES[k]) for k in CASES}
        assert out["decode numpy scalar"][:2] == ("raises", TypeError)
        assert out["decode bytes"][:2] == ("raises", TypeError)
        assert out["decode non-contiguous uint32"] == _on(which, lambda i, e: e.decode([0, 2, 4, 6, 8]))
        assert out["decode ctypes int64 array"] == ("returns", "hello world,")
        assert out["explicit_n_vocab huge"][:2] == ("raises", OverflowError)
        assert out["explicit_n_vocab str"][:2] == ("raises", TypeError)
        assert out["axis 2**63"][:2] == ("raises", aotml.InvalidArgument)
        assert out["encode str subclass special"][0] == "raises"
        assert issubclass(out["encode str subclass special"][1], ValueError)
        assert out["encode str subclass ordinary"] == ("returns", [31373, 995])
        assert out["decode huge int"][:2] == ("raises", aotml.UnknownTokenError)
