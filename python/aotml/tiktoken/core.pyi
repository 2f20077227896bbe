"""tiktoken's ``core``: the ``Encoding`` class."""
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

class Encoding:
    """A byte-pair encoding: tiktoken's ``Encoding``, with the same constructor, methods and ids. Immutable and
    shared freely between threads; every call releases the GIL."""

    name: str
    max_token_value: int

    def __init__(self, name: str, *, pat_str: str, mergeable_ranks: dict[bytes, int],
                 special_tokens: dict[str, int], explicit_n_vocab: int | None = None) -> None:
        """A custom encoding. ``pat_str`` is the split pattern (tiktoken's own patterns run on hand-written
        scanners, any other on .NET Regex with possessive quantifiers rewritten as atomic groups)."""

    @classmethod
    def _from_file(cls, name: str, path: Path, pat_str: str, special_tokens: dict[str, int],
                   explicit_n_vocab: int | None) -> Encoding: ...

    def encode_ordinary(self, text: str) -> list[int]:
        """Encodes a string, treating special tokens as plain text."""

    def encode(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = ...,
               disallowed_special: Literal["all"] | Collection[str] = "all") -> list[int]:
        """Encodes a string with tiktoken's special-token policy: text matching a disallowed special token raises
        ``EncodeError`` (a ValueError) with tiktoken's message; allowed ones become their token."""

    def encode_to_numpy(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = ...,
                        disallowed_special: Literal["all"] | Collection[str] = "all") -> npt.NDArray[np.uint32]:
        """Encodes into a read-only uint32 array over engine memory (no copy)."""

    def count_tokens(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = ...,
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> int:
        """``len(encode(text, ...))`` without building the ids."""

    def encode_ordinary_batch(self, text: Sequence[str], *, num_threads: int = ...) -> list[list[int]]:
        """Encodes many strings in one engine call on ``num_threads`` threads, special tokens as plain text."""

    def encode_batch(self, text: Sequence[str], *, num_threads: int = ...,
                     allowed_special: Literal["all"] | AbstractSet[str] = ...,
                     disallowed_special: Literal["all"] | Collection[str] = "all") -> list[list[int]]:
        """Encodes many strings in one engine call on ``num_threads`` threads (the policy of ``encode``)."""

    def encode_batch_to_numpy(self, text: Sequence[str], *, num_threads: int = ...,
                              allowed_special: Literal["all"] | AbstractSet[str] = ...,
                              disallowed_special: Literal["all"] | Collection[str] = "all",
                              padding: int | None = None) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """``(ids, offsets)`` flat uint32 ids and int64 offsets, or with ``padding`` a padded uint32 matrix and
        the int64 lengths."""

    def encode_with_unstable(self, text: str, *, allowed_special: Literal["all"] | AbstractSet[str] = ...,
                             disallowed_special: Literal["all"] | Collection[str] = "all",
                             ) -> tuple[list[int], list[list[int]]]:
        """The stable tokens and every sequence the unstable end may become (needs the `regex` module)."""

    def _encode_single_piece(self, text_or_bytes: str | bytes) -> list[int]: ...
    def _encode_only_native_bpe(self, text: str) -> list[int]: ...
    def _encode_bytes(self, text: bytes) -> list[int]: ...

    def encode_single_token(self, text_or_bytes: str | bytes) -> int:
        """The token whose bytes are exactly these (special tokens included); KeyError otherwise."""

    def decode_bytes(self, tokens: Sequence[int] | npt.NDArray[Any]) -> bytes:
        """The bytes of the tokens (any int sequence or integer numpy array); unknown ids raise KeyError."""

    def decode(self, tokens: Sequence[int] | npt.NDArray[Any], errors: str = "replace") -> str:
        """Decodes to a string; invalid UTF-8 is handled per ``errors`` (lossy by default, as tiktoken)."""

    def decode_single_token_bytes(self, token: int) -> bytes:
        """The bytes of one token; KeyError for an unknown id."""

    def decode_tokens_bytes(self, tokens: Sequence[int] | npt.NDArray[Any]) -> list[bytes]:
        """The bytes of each token."""

    def decode_with_offsets(self, tokens: Sequence[int] | npt.NDArray[Any]) -> tuple[str, list[int]]:
        """The text and the character offset where each token starts (tiktoken's rule)."""

    def decode_batch(self, batch: Sequence[Sequence[int]], *, errors: str = "replace",
                     num_threads: int = ...) -> list[str]:
        """Decodes each sequence of tokens."""

    def decode_bytes_batch(self, batch: Sequence[Sequence[int]], *, num_threads: int = ...) -> list[bytes]:
        """Decodes each sequence of tokens to bytes."""

    def token_byte_values(self) -> list[bytes]:
        """The bytes of every mergeable token, sorted."""

    @property
    def eot_token(self) -> int:
        """The id of ``<|endoftext|>``."""

    @property
    def special_tokens_set(self) -> set[str]:
        """The special token strings."""

    def is_special_token(self, token: int) -> bool: ...

    @property
    def n_vocab(self) -> int:
        """``max_token_value + 1``."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Bundled encodings pickle by name, custom ones by content."""
