"""tiktoken-compatible byte-pair encodings: the same ids as tiktoken, the same API, without the GIL.

The encodings tiktoken ships (gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base) are bundled in the
wheel; nothing is fetched at import or run time. Policy (which special tokens are allowed, tiktoken's exact error)
is resolved here, as in tiktoken's core.py; the mechanism (splitting, merging, special-token search) is the engine's.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
import weakref
from array import array
from pathlib import Path
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Literal

from . import _backend

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Encoding", "get_encoding", "encoding_for_model", "encoding_name_for_model", "list_encoding_names",
           "load_tiktoken_bpe"]

_DATA = Path(__file__).resolve().parent / "_data"
_MAX_THREADS = min(os.cpu_count() or 8, 32)

# Model-name prefixes (tiktoken's model.py); exact names come from the bundled model table.
MODEL_PREFIX_TO_ENCODING: dict[str, str] = {
    "o1-": "o200k_base",
    "o3-": "o200k_base",
    "o4-mini-": "o200k_base",
    "gpt-5-": "o200k_base",
    "gpt-4.5-": "o200k_base",
    "gpt-4.1-": "o200k_base",
    "chatgpt-4o-": "o200k_base",
    "gpt-4o-": "o200k_base",
    "gpt-4-": "cl100k_base",
    "gpt-3.5-turbo-": "cl100k_base",
    "gpt-35-turbo-": "cl100k_base",
    "ft:gpt-4o": "o200k_base",
    "ft:gpt-4": "cl100k_base",
    "ft:gpt-3.5-turbo": "cl100k_base",
    "ft:davinci-002": "cl100k_base",
    "ft:babbage-002": "cl100k_base",
}


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
    from ._errors import EncodeError
    raise EncodeError(
        f"Encountered text corresponding to disallowed special token {token!r}.\n"
        "If you want this text to be encoded as a special token, "
        f"pass it to `allowed_special`, e.g. `allowed_special={{{token!r}, ...}}`.\n"
        f"If you want this text to be encoded as normal text, disable the check for this token "
        f"by passing `disallowed_special=(enc.special_tokens_set - {{{token!r}}})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n"
    )


def _free_all(impl: Any, handle: Any, policies: dict[Any, Any]) -> None:
    for p in list(policies.values()):
        impl.handle_free(p)
    policies.clear()
    impl.handle_free(handle)


class Encoding:
    """A byte-pair encoding: tiktoken's ``Encoding``, with the same constructor, methods and ids."""

    def __init__(self, name: str, *, pat_str: str, mergeable_ranks: dict[bytes, int],
                 special_tokens: dict[str, int], explicit_n_vocab: int | None = None) -> None:
        if not isinstance(name, str) or not isinstance(pat_str, str):
            raise TypeError("name and pat_str must be str")
        if not isinstance(mergeable_ranks, dict) or not isinstance(special_tokens, dict):
            raise TypeError("mergeable_ranks and special_tokens must be dicts")
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
        self._handle = handle
        self._impl = _impl()  # the backend that made the handle serves every call on it
        self._policies: dict[Any, Any] = {}
        self._finalizer = weakref.finalize(self, _free_all, self._impl, handle, self._policies)
        self._mergeable_ranks_given = mergeable_ranks
        _, self.max_token_value, _ = self._impl.tiktoken_info(handle)
        self._default_policy = self._policy_handle((), tuple(sorted(self._special_token_values)))

    def __repr__(self) -> str:
        return f"<Encoding {self.name!r}>"

    # ---- special-token policy (tiktoken's rules) -------------------------------------------------------------
    def _policy_handle(self, allowed_ids: tuple[int, ...], disallowed_ids: tuple[int, ...]) -> int:
        # Policies live as long as the encoding: another thread may be using one at any time. There are few
        # distinct ones in practice (a handful of special tokens), each two small arrays.
        key = (allowed_ids, disallowed_ids)
        h = self._policies.get(key)
        if h is None:
            new = self._impl.tiktoken_policy_new(self._handle, False, array("I", allowed_ids).tobytes(), False,
                                              array("I", disallowed_ids).tobytes())
            h = self._policies.setdefault(key, new)
            if h != new:  # another thread won the race
                self._impl.handle_free(new)
        return h

    def _policy(self, text: str | None, allowed_special: Literal["all"] | AbstractSet[str],
                disallowed_special: Literal["all"] | Collection[str]) -> int:
        """The policy handle for these arguments; checks non-special disallowed strings against text here."""
        if disallowed_special == "all" and not allowed_special and not isinstance(allowed_special, str):
            return self._default_policy
        if allowed_special == "all":
            allowed_special = self.special_tokens_set
        if disallowed_special == "all":
            disallowed_special = self.special_tokens_set - allowed_special  # type: ignore[operator]
        specials = self._special_tokens
        disallowed_ids: tuple[int, ...] = ()
        if disallowed_special:
            disallowed = frozenset(disallowed_special)
            other = frozenset(t for t in disallowed if t not in specials)
            if other and text is not None:
                # Strings that are not special tokens can still be disallowed (tiktoken searches for them too).
                if match := _special_token_regex(disallowed).search(text):
                    _raise_disallowed_special_token(match.group())
            disallowed_ids = tuple(sorted(specials[t] for t in disallowed if t in specials))
        allowed_ids = tuple(sorted(specials[t] for t in allowed_special if t in specials))
        return self._policy_handle(allowed_ids, disallowed_ids)

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
        """Encodes into a uint32 numpy array over engine memory (no copy)."""
        import numpy as np
        policy = self._policy(text if isinstance(text, str) else None, allowed_special, disallowed_special)
        return np.frombuffer(self._impl.tiktoken_encode_buffer(self._handle, policy, text), dtype=np.uint32)

    def count_tokens(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> int:
        """``len(encode(text, ...))`` without building the list of ids."""
        policy = self._policy(text if isinstance(text, str) else None, allowed_special, disallowed_special)
        return self._impl.tiktoken_count(self._handle, policy, text)

    def _batch_policy(self, texts: Sequence[str], allowed_special: Any, disallowed_special: Any) -> int:
        policy = self._policy(None, allowed_special, disallowed_special)
        if disallowed_special and disallowed_special != "all":
            other = frozenset(t for t in disallowed_special if t not in self._special_tokens)
            if other:
                for t in texts:
                    self._policy(t if isinstance(t, str) else None, allowed_special, disallowed_special)
        return policy

    def encode_ordinary_batch(self, text: Sequence[str], *, num_threads: int = _MAX_THREADS) -> list[list[int]]:
        """Encodes a list of strings in one engine call on ``num_threads`` threads, ignoring special tokens."""
        return self._impl.tiktoken_encode_batch(self._handle, None, text, num_threads, False)

    def encode_batch(self, text: Sequence[str], *, num_threads: int = _MAX_THREADS,
                     allowed_special: Literal["all"] | AbstractSet[str] = set(),  # noqa: B006
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> list[list[int]]:
        """Encodes a list of strings in one engine call on ``num_threads`` threads (see ``encode`` for the policy)."""
        policy = self._batch_policy(text, allowed_special, disallowed_special)
        return self._impl.tiktoken_encode_batch(self._handle, policy, text, num_threads, False)

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
        ids_buf, off_buf = self._impl.tiktoken_encode_batch(self._handle, policy, text, num_threads, True)
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
        if isinstance(text_or_bytes, str):
            text_or_bytes = text_or_bytes.encode("utf-8")
        return self._impl.tiktoken_encode_single_piece(self._handle, text_or_bytes)

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
        """Decodes each sequence of tokens."""
        return [self.decode(tokens, errors) for tokens in batch]

    def decode_bytes_batch(self, batch: Sequence[Sequence[int]], *, num_threads: int = _MAX_THREADS) -> list[bytes]:
        """Decodes each sequence of tokens to bytes."""
        return [self.decode_bytes(tokens) for tokens in batch]

    # ---- vocabulary -------------------------------------------------------------------------------------------
    def _mergeable(self) -> list[tuple[bytes, int]]:
        blob, offsets, ranks = self._impl.tiktoken_mergeable(self._handle)
        off = memoryview(offsets).cast("i")
        rk = memoryview(ranks).cast("I")
        return [(blob[off[i]:off[i + 1]], rk[i]) for i in range(len(rk))]

    @property
    def _mergeable_ranks(self) -> dict[bytes, int]:
        if self._mergeable_ranks_given is not None:
            return self._mergeable_ranks_given
        return dict(self._mergeable())

    def token_byte_values(self) -> list[bytes]:
        """The bytes of every mergeable token, sorted (as tiktoken)."""
        return sorted(b for b, _ in self._mergeable())

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
        if any(e is self for e in _REGISTRY.values()):
            return get_encoding, (self.name,)
        return _rebuild, (self.name, self._pat_str, self._mergeable_ranks, self._special_tokens,
                          self._explicit_n_vocab)


def _rebuild(name: str, pat_str: str, mergeable_ranks: dict[bytes, int], special_tokens: dict[str, int],
             explicit_n_vocab: int | None) -> Encoding:
    return Encoding(name, pat_str=pat_str, mergeable_ranks=mergeable_ranks, special_tokens=special_tokens,
                    explicit_n_vocab=explicit_n_vocab)


# ---- the bundled encodings -------------------------------------------------------------------------------------
_REGISTRY: dict[tuple[str, str], Encoding] = {}  # by (backend, name): a handle serves the backend that made it
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    path = _DATA / "encodings.json"
    if not path.exists():
        from ._errors import EngineFileNotFoundError
        raise EngineFileNotFoundError(f"{path} is missing: the bundled encodings were not built "
                                      "(run `python3 build.py develop`)")
    return json.loads(path.read_text(encoding="utf-8"))


def list_encoding_names() -> list[str]:
    """The names of the bundled encodings."""
    return sorted(_index()["encodings"])


def get_encoding(encoding_name: str) -> Encoding:
    """A bundled encoding by name (loaded once per process, then shared)."""
    key = (_backend.name, encoding_name)
    enc = _REGISTRY.get(key)
    if enc is not None:
        return enc
    with _LOCK:
        enc = _REGISTRY.get(key)
        if enc is not None:
            return enc
        spec = _index()["encodings"].get(encoding_name) if isinstance(encoding_name, str) else None
        if spec is None:
            raise ValueError(f"Unknown encoding {encoding_name!r}. Available encodings: "
                             f"{', '.join(list_encoding_names())}")
        enc = Encoding._from_file(encoding_name, _DATA / spec["ranks"], spec["pat_str"], spec["special_tokens"],
                                  spec["explicit_n_vocab"])
        _REGISTRY[key] = enc
        return enc


def encoding_name_for_model(model_name: str) -> str:
    """The name of the encoding a model uses (tiktoken's table, then its prefix rules)."""
    models = _index()["models"]
    if model_name in models:
        return models[model_name]
    for prefix, name in MODEL_PREFIX_TO_ENCODING.items():
        if model_name.startswith(prefix):
            return name
    raise KeyError(f"Could not automatically map {model_name} to a tokeniser. "
                   "Please use `tiktoken.get_encoding` to explicitly get the tokeniser you expect.")


def encoding_for_model(model_name: str) -> Encoding:
    """The encoding a model uses, e.g. ``encoding_for_model("gpt-4o")`` is o200k_base."""
    return get_encoding(encoding_name_for_model(model_name))


def load_tiktoken_bpe(tiktoken_bpe_file: str | os.PathLike[str], expected_hash: str | None = None) -> dict[bytes, int]:
    """Reads a local ``.tiktoken`` file (``base64 rank`` per line) into mergeable ranks.

    A malformed line raises TokenizerConfigError naming the file and the line. URLs are not fetched: aotml never
    goes to the network; download the file and pass its path.
    """
    path = os.fspath(tiktoken_bpe_file)
    if "://" in str(path):
        raise ValueError(f"{path}: aotml does not fetch URLs; download the file and pass a local path")
    with open(path, "rb") as f:
        data = f.read()
    if expected_hash is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected_hash:
            raise ValueError(f"Hash mismatch for data from {path} (expected {expected_hash}, got {actual})")
    blob, offsets, ranks = _impl().tiktoken_parse_ranks(data, str(path))
    off = memoryview(offsets).cast("q")
    rk = memoryview(ranks).cast("I")
    return {blob[off[i]:off[i + 1]]: rk[i] for i in range(len(rk))}
