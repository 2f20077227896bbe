"""tiktoken encodings over ctypes; mirrors _ext_tiktoken.c (same names, arguments, results and exceptions)."""
from __future__ import annotations

import ctypes
import operator
from array import array
from ctypes import POINTER, c_char_p, c_int32, c_int64, c_uint32, c_void_p
from typing import Any

from . import _ctypes as _c
from ._errors import KEY, from_status

__all__ = [
    "tiktoken_new", "tiktoken_new_from_file", "tiktoken_parse_ranks", "tiktoken_info", "tiktoken_policy_new",
    "tiktoken_encode", "tiktoken_encode_buffer", "tiktoken_count", "tiktoken_encode_batch",
    "tiktoken_encode_single_piece", "tiktoken_encode_single_token", "tiktoken_decode_bytes", "tiktoken_token_bytes",
    "tiktoken_mergeable",
]

_P64 = POINTER(c_int64)
_PU32 = POINTER(c_uint32)

_c.declare({
    "aotml_tiktoken_new": (c_int32, [c_char_p, c_int64, c_void_p, _P64, _PU32, c_int64, c_char_p, c_int64, c_void_p,
                                     _P64, _PU32, c_int64, c_int64, c_void_p]),
    "aotml_tiktoken_new_from_file": (c_int32, [c_char_p, c_int64, c_char_p, c_int64, c_char_p, c_int64, c_void_p,
                                               _P64, _PU32, c_int64, c_int64, c_void_p]),
    "aotml_tiktoken_parse_ranks": (c_int32, [c_void_p, c_int64, c_char_p, c_int64, c_void_p, _P64, c_void_p, c_void_p,
                                             _P64]),
    "aotml_tiktoken_info": (c_int32, [c_void_p, _P64, _P64, POINTER(c_int32)]),
    "aotml_tiktoken_policy_new": (c_int32, [c_void_p, c_int32, _PU32, c_int64, c_int32, _PU32, c_int64, c_void_p]),
    "aotml_tiktoken_encode": (c_int32, [c_void_p, c_void_p, c_void_p, c_int64, _PU32, c_int64, _P64]),
    "aotml_tiktoken_encode_alloc": (c_int32, [c_void_p, c_void_p, c_void_p, c_int64, c_void_p, _P64]),
    "aotml_tiktoken_count": (c_int32, [c_void_p, c_void_p, c_void_p, c_int64, _P64]),
    "aotml_tiktoken_encode_batch": (c_int32, [c_void_p, c_void_p, c_void_p, _P64, c_int64, c_int32, c_void_p,
                                              c_void_p]),
    "aotml_tiktoken_encode_single_piece": (c_int32, [c_void_p, c_void_p, c_int64, _PU32, c_int64, _P64]),
    "aotml_tiktoken_encode_single_token": (c_int32, [c_void_p, c_void_p, c_int64, _PU32]),
    "aotml_tiktoken_decode": (c_int32, [c_void_p, _PU32, c_int64, c_void_p, _P64]),
    "aotml_tiktoken_token_bytes": (c_int32, [c_void_p, c_uint32, c_void_p, _P64]),
    "aotml_tiktoken_mergeable": (c_int32, [c_void_p, c_void_p, c_void_p, c_void_p, _P64]),
})

_lib = _c.lib


def _utf8(text: object) -> bytes:
    """UTF-8 of a str; lone surrogates become U+FFFD, as tiktoken does."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _str_utf8(s: str) -> bytes:
    return s.encode("utf-8")


def _bytes_like(obj: object, name: str) -> bytes:
    try:
        return bytes(memoryview(obj))  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be a bytes-like object") from None


def _ptr(data: bytes, ctype: Any = ctypes.c_char) -> Any:
    """A pointer to the bytes of an immutable bytes object (no copy)."""
    return ctypes.cast(ctypes.c_char_p(data), POINTER(ctype))


def _handle(h: object) -> c_void_p:
    v = operator.index(h)  # type: ignore[arg-type]
    if v == 0:
        raise ValueError("null handle")
    return c_void_p(v)


def _opt_handle(h: object) -> c_void_p:
    return c_void_p(operator.index(h) or None)  # type: ignore[arg-type]


def tiktoken_new(name: str, rank_blob: bytes, rank_offsets: bytes, ranks: bytes, pat: str, special_blob: bytes,
                 special_offsets: bytes, special_ids: bytes, explicit_n_vocab: int) -> int:
    nb, pb = _str_utf8(name), _str_utf8(pat)
    rb, ro, rr = (_bytes_like(x, n) for x, n in ((rank_blob, "rank_blob"), (rank_offsets, "rank_offsets"), (ranks, "ranks")))
    sb, so, si = (_bytes_like(x, n) for x, n in ((special_blob, "special_blob"), (special_offsets, "special_offsets"),
                                                 (special_ids, "special_ids")))
    out = c_void_p()
    _c.check(_lib.aotml_tiktoken_new(nb, len(nb), _ptr(rb), _ptr(ro, c_int64), _ptr(rr, c_uint32), len(rr) // 4,
                                     pb, len(pb), _ptr(sb), _ptr(so, c_int64), _ptr(si, c_uint32), len(si) // 4,
                                     int(explicit_n_vocab), ctypes.byref(out)))
    return out.value or 0


def tiktoken_new_from_file(name: str, path: str, pat: str, special_blob: bytes, special_offsets: bytes,
                           special_ids: bytes, explicit_n_vocab: int) -> int:
    nb, fb, pb = _str_utf8(name), _str_utf8(path), _str_utf8(pat)
    sb, so, si = (_bytes_like(x, n) for x, n in ((special_blob, "special_blob"), (special_offsets, "special_offsets"),
                                                 (special_ids, "special_ids")))
    out = c_void_p()
    _c.check(_lib.aotml_tiktoken_new_from_file(nb, len(nb), fb, len(fb), pb, len(pb), _ptr(sb), _ptr(so, c_int64),
                                               _ptr(si, c_uint32), len(si) // 4, int(explicit_n_vocab),
                                               ctypes.byref(out)))
    return out.value or 0


def tiktoken_parse_ranks(data: bytes, source: str) -> tuple[bytes, bytes, bytes]:
    d, s = _bytes_like(data, "data"), _str_utf8(source)
    blob, offsets, ranks = c_void_p(), c_void_p(), c_void_p()
    blob_len, count = c_int64(), c_int64()
    _c.check(_lib.aotml_tiktoken_parse_ranks(_ptr(d), len(d), s, len(s), ctypes.byref(blob), ctypes.byref(blob_len),
                                             ctypes.byref(offsets), ctypes.byref(ranks), ctypes.byref(count)))
    try:
        n = count.value
        return (ctypes.string_at(blob, blob_len.value), ctypes.string_at(offsets, 8 * (n + 1)),
                ctypes.string_at(ranks, 4 * n))
    finally:
        for p in (blob, offsets, ranks):
            _lib.aotml_free(p)


def tiktoken_info(enc: int) -> tuple[int, int, int]:
    n, mx, kind = c_int64(), c_int64(), c_int32()
    _c.check(_lib.aotml_tiktoken_info(_handle(enc), ctypes.byref(n), ctypes.byref(mx), ctypes.byref(kind)))
    return n.value, mx.value, kind.value


def tiktoken_policy_new(enc: int, allowed_all: object, allowed: bytes, disallow_rest: object, disallowed: bytes) -> int:
    a, d = _bytes_like(allowed, "allowed"), _bytes_like(disallowed, "disallowed")
    out = c_void_p()
    _c.check(_lib.aotml_tiktoken_policy_new(_handle(enc), 1 if allowed_all else 0, _ptr(a, c_uint32), len(a) // 4,
                                            1 if disallow_rest else 0, _ptr(d, c_uint32), len(d) // 4,
                                            ctypes.byref(out)))
    return out.value or 0


def tiktoken_encode(enc: int, policy: int, text: str) -> list[int]:
    h, p = _handle(enc), _opt_handle(policy)
    b = _utf8(text)
    buf = (c_uint32 * max(1, len(b)))()
    n = c_int64()
    _c.check(_lib.aotml_tiktoken_encode(h, p, b, len(b), buf, len(b), ctypes.byref(n)))
    return buf[:n.value]


def tiktoken_encode_buffer(enc: int, policy: int, text: str) -> memoryview:
    h, p = _handle(enc), _opt_handle(policy)
    b = _utf8(text)
    out, n = c_void_p(), c_int64()
    _c.check(_lib.aotml_tiktoken_encode_alloc(h, p, b, len(b), ctypes.byref(out), ctypes.byref(n)))
    return _native_vector(out.value or 0, "I", 4, n.value)


def _native_vector(address: int, fmt: str, itemsize: int, n: int) -> memoryview:
    if n == 0:  # memoryview cannot cast to a shape with a zero in it
        _lib.aotml_free(c_void_p(address))
        return memoryview(b"").cast(fmt)
    return _c.native_buffer(address, fmt, itemsize, (n,))


def tiktoken_count(enc: int, policy: int, text: str) -> int:
    h, p = _handle(enc), _opt_handle(policy)
    b = _utf8(text)
    n = c_int64()
    _c.check(_lib.aotml_tiktoken_count(h, p, b, len(b), ctypes.byref(n)))
    return n.value


def tiktoken_encode_batch(enc: int, policy: int, texts: Any, num_threads: int, flat: object) -> Any:
    h, p = _handle(enc), _opt_handle(policy)
    threads = operator.index(num_threads)
    if threads < 1 or threads > 1024:
        raise ValueError(f"num_threads must be between 1 and 1024, got {threads}")
    try:
        items = list(texts)
    except TypeError:
        raise TypeError("texts must be a sequence of str") from None
    encoded = [_utf8(t) for t in items]
    n = len(encoded)
    ptrs = (c_char_p * max(1, n))(*encoded)
    lens = (c_int64 * max(1, n))(*(len(b) for b in encoded))
    ids, offsets = c_void_p(), c_void_p()
    _c.check(_lib.aotml_tiktoken_encode_batch(h, p, ptrs, lens, n, threads, ctypes.byref(ids), ctypes.byref(offsets)))
    off = (c_int64 * (n + 1)).from_address(offsets.value or 0)
    total = off[n]
    if flat:
        return (_native_vector(ids.value or 0, "I", 4, total), _native_vector(offsets.value or 0, "q", 8, n + 1))
    try:
        flat_ids = (c_uint32 * max(1, total)).from_address(ids.value or 0)
        return [flat_ids[off[i]:off[i + 1]] for i in range(n)]
    finally:
        _lib.aotml_free(ids)
        _lib.aotml_free(offsets)


def tiktoken_encode_single_piece(enc: int, data: bytes) -> list[int]:
    h = _handle(enc)
    b = _bytes_like(data, "text_or_bytes")
    buf = (c_uint32 * max(1, len(b)))()
    n = c_int64()
    _c.check(_lib.aotml_tiktoken_encode_single_piece(h, b, len(b), buf, len(b), ctypes.byref(n)))
    return buf[:n.value]


def tiktoken_encode_single_token(enc: int, data: bytes) -> int:
    h = _handle(enc)
    b = _bytes_like(data, "text_or_bytes")
    t = c_uint32()
    _c.check(_lib.aotml_tiktoken_encode_single_token(h, b, len(b), ctypes.byref(t)))
    return t.value


def _bad_token(value: object) -> BaseException:
    return from_status(KEY, f"Invalid token for decoding: {value!r}")


_INT_FORMATS = set("bBhHiIlLqQ")


def _token_array(tokens: Any) -> array:
    """Token ids as array('I'); values that cannot be ids raise UnknownTokenError naming them."""
    if not isinstance(tokens, (str, bytes)):
        try:
            view = memoryview(tokens)
        except TypeError:
            view = None
        if view is not None:
            fmt = view.format.lstrip("@=<")
            if view.ndim > 1 or fmt not in _INT_FORMATS:
                raise TypeError(f"tokens must be integers; got a buffer of format '{view.format}'")
            if fmt == "I" and view.itemsize == 4:
                out = array("I")
                out.frombytes(view.tobytes())
                return out
            tokens = view.tolist()
    if isinstance(tokens, (str, bytes)) or not hasattr(tokens, "__iter__"):
        raise TypeError("tokens must be a sequence of ints")
    out = array("I")
    for t in tokens:
        v = operator.index(t)
        if v < 0 or v > 0xFFFFFFFF:
            raise _bad_token(t)
        out.append(v)
    return out


def tiktoken_decode_bytes(enc: int, tokens: Any) -> bytes:
    h = _handle(enc)
    ids = _token_array(tokens)
    addr, n = ids.buffer_info()
    out, length = c_void_p(), c_int64()
    _c.check(_lib.aotml_tiktoken_decode(h, ctypes.cast(addr, _PU32), n, ctypes.byref(out), ctypes.byref(length)))
    try:
        return ctypes.string_at(out, length.value)
    finally:
        _lib.aotml_free(out)


def tiktoken_token_bytes(enc: int, token: Any) -> bytes:
    h = _handle(enc)
    v = operator.index(token)
    if v < 0 or v > 0xFFFFFFFF:
        raise _bad_token(token)
    p, n = c_void_p(), c_int64()
    _c.check(_lib.aotml_tiktoken_token_bytes(h, v, ctypes.byref(p), ctypes.byref(n)))
    return ctypes.string_at(p, n.value)


def tiktoken_mergeable(enc: int) -> tuple[bytes, bytes, bytes]:
    h = _handle(enc)
    blob, offsets, ranks, count = c_void_p(), c_void_p(), c_void_p(), c_int64()
    _c.check(_lib.aotml_tiktoken_mergeable(h, ctypes.byref(blob), ctypes.byref(offsets), ctypes.byref(ranks),
                                           ctypes.byref(count)))
    n = count.value
    off = ctypes.string_at(offsets, 4 * (n + 1))
    blob_len = int.from_bytes(off[-4:], "little") if n else 0
    return ctypes.string_at(blob, blob_len), off, ctypes.string_at(ranks, 4 * n)
