"""tiktoken's ``core``: the ``Encoding`` class, with tiktoken's constructor, methods and ids, without the GIL.

Policy (which special tokens are allowed, tiktoken's exact error) is resolved here, as in tiktoken's core.py; the
mechanism (splitting, merging, special-token search) is the engine's.
"""
from __future__ import annotations

import bisect
import functools
import re
from array import array
from pathlib import Path
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Literal

from .. import _backend, _cancel, _handles

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Encoding"]

# tiktoken's default for batch calls.
_MAX_THREADS = 8


def _impl() -> Any:
    return _backend.impl


def _special_arrays(special_tokens: dict[str, int]) -> tuple[bytes, bytes, bytes]:
    """Special tokens as the engine takes them: one UTF-8 blob, int64 offsets (n + 1), uint32 ids."""
    parts = []
    offsets = array("q", [0])
    ids = array("I")
    for text, token in special_tokens.items():
        if not isinstance(text, str):
            raise TypeError(f"special token names must be str, not {type(text).__name__}")
        b = text.encode("utf-8")
        parts.append(b)
        offsets.append(offsets[-1] + len(b))
        ids.append(_token_value(token, f"special token {text!r}"))
    return b"".join(parts), offsets.tobytes(), ids.tobytes()


def _token_value(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: token ids must be int, not {type(value).__name__}")
    if not 0 <= value < 2**31 - 1:
        raise ValueError(f"{what}: token id {value} is out of range")
    return value


@functools.lru_cache(maxsize=128)
def _special_token_regex(tokens: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))


def _raise_disallowed_special_token(token: str) -> None:
    from .._errors import EncodeError
    raise EncodeError(
        f"Encountered text corresponding to disallowed special token {token!r}.\n"
        "If you want this text to be encoded as a special token, "
        f"pass it to `allowed_special`, e.g. `allowed_special={{{token!r}, ...}}`.\n"
        f"If you want this text to be encoded as normal text, disable the check for this token "
        f"by passing `disallowed_special=(enc.special_tokens_set - {{{token!r}}})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n"
    )


class Encoding:
    """A byte-pair encoding: tiktoken's ``Encoding``, with the same constructor, methods and ids."""

    def __init__(self, name: str, *, pat_str: str, mergeable_ranks: dict[bytes, int],
                 special_tokens: dict[str, int], explicit_n_vocab: int | None = None) -> None:
        if not isinstance(name, str) or not isinstance(pat_str, str):
            raise TypeError("name and pat_str must be str")
        if not isinstance(mergeable_ranks, dict) or not isinstance(special_tokens, dict):
            raise TypeError("mergeable_ranks and special_tokens must be dicts")
        _check_n_vocab(explicit_n_vocab)
        blob = b"".join(mergeable_ranks)  # TypeError unless every key is bytes-like
        if not all(isinstance(k, bytes) for k in mergeable_ranks):
            raise TypeError("mergeable_ranks keys must be bytes")
        offsets = array("q", [0])
        total = 0
        for k in mergeable_ranks:
            total += len(k)
            offsets.append(total)
        ranks = array("I", (_token_value(v, "mergeable_ranks") for v in mergeable_ranks.values()))
        handle = _impl().tiktoken_new(name, blob, offsets.tobytes(), ranks.tobytes(), pat_str,
                                      *_special_arrays(special_tokens), explicit_n_vocab or 0)
        self._setup(name, pat_str, special_tokens, explicit_n_vocab, handle, mergeable_ranks)

    @classmethod
    def _from_file(cls, name: str, path: Path, pat_str: str, special_tokens: dict[str, int],
                   explicit_n_vocab: int | None) -> Encoding:
        self = cls.__new__(cls)
        _check_n_vocab(explicit_n_vocab)
        handle = _impl().tiktoken_new_from_file(name, str(path), pat_str, *_special_arrays(special_tokens),
                                                explicit_n_vocab or 0)
        self._setup(name, pat_str, special_tokens, explicit_n_vocab, handle, None)
        return self

    def _setup(self, name: str, pat_str: str, special_tokens: dict[str, int], explicit_n_vocab: int | None,
               handle: int, mergeable_ranks: dict[bytes, int] | None) -> None:
        self.name = name
        self._pat_str = pat_str
        self._special_tokens = dict(special_tokens)
        self._special_token_values = set(self._special_tokens.values())
        self._special_tokens_set = set(self._special_tokens)
        self._explicit_n_vocab = explicit_n_vocab
        # The policies are dropped before the encoding they point into (an owner frees when its last holder goes;
        # the attributes of a dying object go in assignment order).
        self._policies: dict[Any, _handles.Owner] = {}
        self._owner = _handles.own(handle)
        self._handle = handle
        self._impl = _impl()  # the backend that made the handle serves every call on it
        self._mergeable_ranks_given = mergeable_ranks
        _, self.max_token_value, _ = self._impl.tiktoken_info(handle)
        self._default_policy = self._policy_handle((), tuple(sorted(self._special_token_values)))

    def __repr__(self) -> str:
        return f"<Encoding {self.name!r}>"

    def _repr_html_(self) -> str:
        import html
        rows = [("name", self.name), ("n_vocab", self.n_vocab), ("special tokens", len(self._special_tokens)),
                ("pattern", self._pat_str)]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'><code>{html.escape(str(v))}</code></td></tr>" for k, v in rows)
        return f"<div><strong>aotml.tiktoken.Encoding</strong><table>{body}</table></div>"

    # ---- special-token policy (tiktoken's rules) -------------------------------------------------------------
    def _policy_handle(self, allowed_ids: tuple[int, ...], disallowed_ids: tuple[int, ...]) -> int:
        # Policies live as long as the encoding: another thread may be using one at any time. There are few
        # distinct ones in practice (a handful of special tokens), each two small arrays.
        key = (allowed_ids, disallowed_ids)
        owner = self._policies.get(key)
        if owner is None:
            new = _handles.own(self._impl.tiktoken_policy_new(self._handle, False, array("I", allowed_ids).tobytes(),
                                                           False, array("I", disallowed_ids).tobytes()))
            owner = self._policies.setdefault(key, new)
            if owner is not new:  # another thread won the race
                _handles.release(new)
        return owner.h

    def _policy(self, text: str | None, allowed_special: Literal["all"] | AbstractSet[str],
                disallowed_special: Literal["all"] | Collection[str]) -> int:
        """The policy handle for these arguments; searches text here for the disallowed strings the engine's id-based
        policy cannot see (see ``_resolve``)."""
        if disallowed_special == "all" and not allowed_special and not isinstance(allowed_special, str):
            return self._default_policy
        allowed_ids, disallowed_ids, searched = self._resolve(allowed_special, disallowed_special)
        if searched and text is not None and (match := _special_token_regex(searched).search(text)):
            _raise_disallowed_special_token(match.group())
        return self._policy_handle(allowed_ids, disallowed_ids)

    def _resolve(self, allowed_special: Any, disallowed_special: Any
                 ) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[str]]:
        """(allowed ids, disallowed ids, disallowed strings to search for in Python). tiktoken refuses a text that
        contains any disallowed string, whatever is allowed. The engine decides by id, so two kinds of disallowed
        string are searched here instead: strings that are not special tokens at all, and names that share their id
        with an allowed name (o200k_harmony's <|endofprompt|> and <|reserved_200018|>)."""
        if allowed_special == "all":
            allowed_special = self.special_tokens_set
        if disallowed_special == "all":
            disallowed_special = self.special_tokens_set - allowed_special
        specials = self._special_tokens
        allowed_ids = tuple(sorted({specials[t] for t in allowed_special if t in specials}))
        if not disallowed_special:
            return allowed_ids, (), frozenset()
        allowed_set = set(allowed_ids)
        disallowed = frozenset(disallowed_special)
        searched = frozenset(t for t in disallowed if t not in specials or specials[t] in allowed_set)
        disallowed_ids = tuple(sorted({specials[t] for t in disallowed if t in specials and t not in searched}))
        return allowed_ids, disallowed_ids, searched

    # ---- encoding ---------------------------------------------------------------------------------------------
    def encode_ordinary(self, text: str) -> list[int]:
        """Encodes a string into tokens, ignoring special tokens (faster than ``encode(text, disallowed_special=())``)."""
        return self._impl.tiktoken_encode(self._handle, None, text)

    def encode(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
               disallowed_special: Literal["all"] | Collection[str] = "all") -> list[int]:
        """Encodes a string into tokens, with tiktoken's special-token policy (a disallowed one raises ValueError)."""
        policy = self._policy(text if isinstance(text, str) else None, allowed_special, disallowed_special)
        return self._impl.tiktoken_encode(self._handle, policy, text)

    def encode_to_numpy(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                        disallowed_special: Literal["all"] | Collection[str] = "all") -> npt.NDArray[np.uint32]:
        """Encodes into a read-only uint32 numpy array over engine memory (no copy), as tiktoken's."""
        import numpy as np
        policy = self._policy(text if isinstance(text, str) else None, allowed_special, disallowed_special)
        ids = np.frombuffer(self._impl.tiktoken_encode_buffer(self._handle, policy, text), dtype=np.uint32)
        ids.flags.writeable = False
        return ids

    def count_tokens(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> int:
        """``len(encode(text, ...))`` without building the list of ids."""
        policy = self._policy(text if isinstance(text, str) else None, allowed_special, disallowed_special)
        return self._impl.tiktoken_count(self._handle, policy, text)

    def _batch_policy(self, texts: Sequence[str], allowed_special: Any, disallowed_special: Any) -> int:
        policy = self._policy(None, allowed_special, disallowed_special)
        if disallowed_special != "all" or allowed_special:
            searched = self._resolve(allowed_special, disallowed_special)[2]
            if searched:
                regex = _special_token_regex(searched)
                for t in texts:
                    if isinstance(t, str) and (match := regex.search(t)):
                        _raise_disallowed_special_token(match.group())
        return policy

    def _encode_batch(self, policy: int | None, text: Sequence[str], num_threads: int, flat: bool) -> Any:
        """One engine call for the batch; a large one stops on Ctrl-C (KeyboardInterrupt) within a chunk of work."""
        impl, handle = self._impl, self._handle
        return _cancel.call(lambda token: impl.tiktoken_encode_batch(handle, policy, text, num_threads, flat, token),
                            _text_cost(text))

    def encode_ordinary_batch(self, text: Sequence[str], *, num_threads: int = _MAX_THREADS) -> list[list[int]]:
        """Encodes a list of strings in one engine call on ``num_threads`` threads, ignoring special tokens."""
        return self._encode_batch(None, text, num_threads, False)  # type: ignore[no-any-return]

    def encode_batch(self, text: Sequence[str], *, num_threads: int = _MAX_THREADS,
                     allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> list[list[int]]:
        """Encodes a list of strings in one engine call on ``num_threads`` threads (see ``encode`` for the policy)."""
        policy = self._batch_policy(text, allowed_special, disallowed_special)
        return self._encode_batch(policy, text, num_threads, False)  # type: ignore[no-any-return]

    def encode_batch_to_numpy(self, text: Sequence[str], *, num_threads: int = _MAX_THREADS,
                              allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                              disallowed_special: Literal["all"] | Collection[str] = "all",
                              padding: int | None = None) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """Encodes a batch into numpy arrays without Python lists.

        With ``padding=None``: ``(ids, offsets)``, flat uint32 ids and int64 offsets (len(text) + 1), so text i is
        ``ids[offsets[i]:offsets[i + 1]]``. Otherwise ``(matrix, lengths)``: a uint32 matrix padded with ``padding``
        and the int64 length of each row.
        """
        import numpy as np
        policy = self._batch_policy(text, allowed_special, disallowed_special)
        ids_buf, off_buf = self._encode_batch(policy, text, num_threads, True)
        ids = np.frombuffer(ids_buf, dtype=np.uint32)
        offsets = np.frombuffer(off_buf, dtype=np.int64)
        if padding is None:
            return ids, offsets
        lengths = np.diff(offsets)
        width = int(lengths.max()) if len(lengths) else 0
        matrix = np.full((len(lengths), width), padding, dtype=np.uint32)
        mask = np.arange(width) < lengths[:, None]
        matrix[mask] = ids
        return matrix, lengths

    def encode_single_token(self, text_or_bytes: str | bytes) -> int:
        """The token whose bytes are exactly ``text_or_bytes`` (special tokens included); KeyError otherwise."""
        if isinstance(text_or_bytes, str):
            text_or_bytes = text_or_bytes.encode("utf-8")
        return self._impl.tiktoken_encode_single_token(self._handle, text_or_bytes)

    def _encode_single_piece(self, text_or_bytes: str | bytes) -> list[int]:
        """Encodes bytes as one piece, without the split pattern (special tokens are plain text)."""
        if isinstance(text_or_bytes, str):
            text_or_bytes = text_or_bytes.encode("utf-8")
        return self._impl.tiktoken_encode_single_piece(self._handle, text_or_bytes)

    def _split(self) -> Any:
        # tiktoken splits in Python with the third-party `regex` module here (its syntax is the Rust one's);
        # `$` is spelled `\Z` there, as Rust's `$` is the end of the text only.
        import regex
        return _python_pattern(self._pat_str, regex)

    def _encode_only_native_bpe(self, text: str) -> list[int]:
        """Encodes a string with the split done in Python (the `regex` module), then each piece by the engine."""
        out: list[int] = []
        for piece in self._split().findall(text):
            out.extend(self._encode_single_piece(piece.encode("utf-8")))
        return out

    def _last_piece_token_len(self, text: str, tokens: list[int], allowed_special: AbstractSet[str]) -> int:
        """How many of ``tokens`` (text's encoding) come from its last piece: 0 after a special token, then grown
        over preceding all-whitespace tokens, as tiktoken's core does (splits there are unstable)."""
        tail = text
        if allowed_special:
            for m in _special_token_regex(frozenset(allowed_special)).finditer(text):
                tail = text[m.end():]
        n = 0
        if tail:
            pieces = self._split().findall(tail)
            if pieces:
                n = len(self._encode_single_piece(pieces[-1].encode("utf-8", "surrogatepass")))
        if n > 0 and _all_space(self.decode_single_token_bytes(tokens[-n])):
            while n < len(tokens) and _all_space(self.decode_single_token_bytes(tokens[-n - 1])):
                n += 1
        return n

    def _encode_bytes(self, text: bytes) -> list[int]:
        """Encodes bytes that may not be UTF-8: the valid prefix as text, the rest by BPE together with the
        prefix's last piece (as tiktoken: a guess at how a truncated character would split)."""
        try:
            return self.encode_ordinary(text.decode("utf-8"))
        except UnicodeDecodeError as e:
            valid = e.start
        prefix = text[:valid].decode("utf-8")
        tokens = self.encode_ordinary(prefix)
        n = self._last_piece_token_len(prefix, tokens, set()) if tokens else 0
        unstable = (self.decode_bytes(tokens[len(tokens) - n:]) if n else b"") + text[valid:]
        del tokens[len(tokens) - n:]
        if unstable:
            tokens.extend(self._encode_single_piece(unstable))
        return tokens

    def encode_with_unstable(self, text: str, *,
                             allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                             disallowed_special: Literal["all"] | Collection[str] = "all",
                             ) -> tuple[list[int], list[list[int]]]:
        """The stable tokens of ``text`` and every token sequence its unstable end may become once more text follows.

        ``decode_bytes(stable)`` is a prefix of the text, and ``decode_bytes(stable + c)`` starts with the text for each
        completion ``c``. tiktoken calls this API unstable too; the split runs in Python (the `regex` module).
        """
        if allowed_special == "all":
            allowed_special = self.special_tokens_set
        tokens = self.encode(text, allowed_special=allowed_special, disallowed_special=disallowed_special)
        n = self._last_piece_token_len(text, tokens, allowed_special) if tokens else 0
        if n == 0:
            return tokens, []
        unstable = self.decode_bytes(tokens[len(tokens) - n:])
        del tokens[len(tokens) - n:]
        completions: set[tuple[int, ...]] = set()
        sorted_bytes = self._sorted_token_bytes()
        ranks = self._mergeable_ranks
        # Every single token that starts with the unstable bytes.
        i = bisect.bisect_left(sorted_bytes, unstable)
        while i < len(sorted_bytes) and sorted_bytes[i].startswith(unstable):
            completions.add((ranks[sorted_bytes[i]],))
            i += 1
        # A token straddling the end: a prefix of the unstable bytes, then a token starting with the rest.
        for k in range(1, len(unstable)):
            prefix, suffix = unstable[:k], unstable[k:]
            i = bisect.bisect_left(sorted_bytes, suffix)
            while i < len(sorted_bytes) and sorted_bytes[i].startswith(suffix):
                possibility = prefix + sorted_bytes[i]
                try:
                    encoded = self.encode_ordinary(possibility.decode("utf-8"))
                except UnicodeDecodeError:
                    encoded = self._encode_single_piece(possibility)
                seq, seq_len = [], 0
                for t in encoded:
                    seq.append(t)
                    seq_len += len(self.decode_single_token_bytes(t))
                    if seq_len >= len(unstable):
                        break
                completions.add(tuple(seq))
                i += 1
        # A split may appear before trailing whitespace once more text follows (e.g. \s+(?!\S)).
        if len(unstable) > 1:
            last, size = _decode_last_char(unstable)
            if len(unstable) - size > 0 and last is not None and _is_white_space(last):
                completions.add(tuple(self._encode_single_piece(unstable[:-size])
                                      + self._encode_single_piece(unstable[-size:])))
        return tokens, [list(c) for c in completions]

    # ---- decoding ---------------------------------------------------------------------------------------------
    def decode_bytes(self, tokens: Sequence[int]) -> bytes:
        """The bytes of a sequence of tokens (a list, tuple or numpy integer array)."""
        return self._impl.tiktoken_decode_bytes(self._handle, tokens)

    def decode(self, tokens: Sequence[int], errors: str = "replace") -> str:
        """Decodes tokens into a string; invalid UTF-8 is handled per ``errors`` (lossy by default, as tiktoken)."""
        return self._impl.tiktoken_decode_bytes(self._handle, tokens).decode("utf-8", errors=errors)

    def decode_single_token_bytes(self, token: int) -> bytes:
        """The bytes of one token (special tokens included); KeyError for an unknown id."""
        return self._impl.tiktoken_token_bytes(self._handle, token)

    def decode_tokens_bytes(self, tokens: Sequence[int]) -> list[bytes]:
        """The bytes of each token."""
        tb = self._impl.tiktoken_token_bytes
        return [tb(self._handle, t) for t in tokens]

    def decode_with_offsets(self, tokens: Sequence[int]) -> tuple[str, list[int]]:
        """The text and, per token, the index of the first character holding bytes of it (tiktoken's rule)."""
        token_bytes = self.decode_tokens_bytes(tokens)
        text_len = 0
        offsets = []
        for token in token_bytes:
            offsets.append(max(0, text_len - (0x80 <= token[0] < 0xC0)))
            text_len += sum(1 for c in token if not 0x80 <= c < 0xC0)
        text = b"".join(token_bytes).decode("utf-8", errors="strict")
        return text, offsets

    def decode_batch(self, batch: Sequence[Sequence[int]], *, errors: str = "replace",
                     num_threads: int = _MAX_THREADS) -> list[str]:
        """Decodes each sequence of tokens in one engine call on ``num_threads`` threads."""
        return [b.decode("utf-8", errors=errors) for b in self.decode_bytes_batch(batch, num_threads=num_threads)]

    def decode_bytes_batch(self, batch: Sequence[Sequence[int]], *, num_threads: int = _MAX_THREADS) -> list[bytes]:
        """Decodes each sequence of tokens to bytes in one engine call on ``num_threads`` threads."""
        batch = list(batch)
        offsets = array("q", [0])
        try:
            ids = array("I")
            for tokens in batch:
                if isinstance(tokens, (str, bytes, bytearray)):
                    raise TypeError
                ids.fromlist(tokens if isinstance(tokens, list) else list(tokens))
                offsets.append(len(ids))
        except (TypeError, OverflowError, ValueError):
            # Not all ids fit uint32 (or are ints): decoding one by one raises decode's own error for the culprit.
            return [self.decode_bytes(tokens) for tokens in batch]
        return self._impl.tiktoken_decode_batch(self._handle, ids, offsets, num_threads)  # type: ignore[no-any-return]

    # ---- vocabulary -------------------------------------------------------------------------------------------
    def _mergeable(self) -> list[tuple[bytes, int]]:
        blob, offsets, ranks = self._impl.tiktoken_mergeable(self._handle)
        off = memoryview(offsets).cast("i")
        rk = memoryview(ranks).cast("I")
        return [(blob[off[i]:off[i + 1]], rk[i]) for i in range(len(rk))]

    @functools.cached_property
    def _mergeable_ranks(self) -> dict[bytes, int]:
        """The mergeable ranks (built once from the engine's tables for bundled encodings)."""
        if self._mergeable_ranks_given is not None:
            return self._mergeable_ranks_given
        return dict(self._mergeable())

    @functools.cached_property
    def _sorted_bytes(self) -> list[bytes]:
        return sorted(self._mergeable_ranks)

    def _sorted_token_bytes(self) -> list[bytes]:
        return self._sorted_bytes

    def token_byte_values(self) -> list[bytes]:
        """The bytes of every mergeable token, sorted (as tiktoken)."""
        return list(self._sorted_bytes)

    @property
    def eot_token(self) -> int:
        return self._special_tokens["<|endoftext|>"]

    @property
    def special_tokens_set(self) -> set[str]:
        return self._special_tokens_set

    def is_special_token(self, token: int) -> bool:
        return token in self._special_token_values

    @property
    def n_vocab(self) -> int:
        """``max_token_value + 1`` (as tiktoken)."""
        return self.max_token_value + 1

    # ---- pickling: bundled encodings by name, custom ones by content ---------------------------------------------
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        from .registry import _REGISTRY, get_encoding
        if any(e is self for e in _REGISTRY.values()):
            return get_encoding, (self.name,)
        return _rebuild, (self.name, self._pat_str, self._mergeable_ranks, self._special_tokens,
                          self._explicit_n_vocab)




def _text_cost(texts: object) -> int:
    """The characters of a batch, to tell a long call from a short one (0 when it is not a list of strings: the
    engine call then raises the usual error)."""
    if not isinstance(texts, (list, tuple)):
        return 0
    try:
        return sum(map(len, texts))
    except TypeError:
        return 0


def _check_n_vocab(explicit_n_vocab: object) -> None:
    if explicit_n_vocab is None:
        return
    if isinstance(explicit_n_vocab, bool) or not isinstance(explicit_n_vocab, int):
        raise TypeError(f"explicit_n_vocab must be an int or None, not {type(explicit_n_vocab).__name__}")
    if explicit_n_vocab < 0:
        from .._errors import TokenizerConfigError
        raise TokenizerConfigError(f"explicit_n_vocab is {explicit_n_vocab}; it must be positive (the number of "
                                   "mergeable plus special tokens)")


@functools.lru_cache(maxsize=16)
def _python_pattern(pat_str: str, regex: Any) -> Any:
    return regex.compile(_rust_dollar(pat_str))


def _rust_dollar(pat: str) -> str:
    """``$`` outside character classes as ``\\Z`` (Rust's ``$`` is the end of the text; Python's also matches
    before a final newline)."""
    out, i, in_class = [], 0, False
    while i < len(pat):
        c = pat[i]
        if c == "\\":
            out.append(pat[i:i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        out.append("\\Z" if c == "$" and not in_class else c)
        i += 1
    return "".join(out)


def _all_space(token: bytes) -> bool:
    return all(b in b" \n\t" for b in token)


def _decode_last_char(data: bytes) -> tuple[str | None, int]:
    """The last UTF-8 character of ``data`` and its length in bytes; (None, 1) when the end is not valid UTF-8."""
    for size in range(1, min(4, len(data)) + 1):
        try:
            return data[-size:].decode("utf-8"), size
        except UnicodeDecodeError:
            continue
    return None, 1


def _is_white_space(c: str) -> bool:
    # Unicode's White_Space property (Rust's char::is_whitespace): str.isspace() minus the separators U+001C..U+001F.
    return c.isspace() and not "\x1c" <= c <= "\x1f"


def _rebuild(name: str, pat_str: str, mergeable_ranks: dict[bytes, int], special_tokens: dict[str, int],
             explicit_n_vocab: int | None) -> Encoding:
    return Encoding(name, pat_str=pat_str, mergeable_ranks=mergeable_ranks, special_tokens=special_tokens,
                    explicit_n_vocab=explicit_n_vocab)
