"""``Encoding``: one encoded input, read lazily from the columnar block an encode call returns."""
from __future__ import annotations

from typing import Any

__all__ = ["Encoding", "Block"]

_HEADER = 8


class Block:
    """The columns of one encode call (see aotml.h, aotml_tokenizer_encode_batch), over the engine's memory."""

    __slots__ = ("u", "i", "n_inputs", "n_enc", "n_tok", "has_tokens", "start", "parent", "ids", "type_ids",
                 "offsets", "word_ids", "sequence_ids", "special", "attention", "tok_start", "tok_utf8", "pairs")

    tok_start: Any
    tok_utf8: Any

    def __init__(self, buffer: Any, pairs: list[bool]) -> None:
        u = memoryview(buffer).cast("B").cast("I")
        self.u = u
        self.i = i = u.cast("B").cast("i")
        self.pairs = pairs
        self.n_inputs, self.n_enc, self.n_tok, flags, tok_bytes = u[1], u[2], u[3], u[4], u[5]
        self.has_tokens = bool(flags & 1)
        n_enc, n_tok = self.n_enc, self.n_tok
        at = _HEADER
        self.start = u[at:at + n_enc + 1]
        at += n_enc + 1
        self.parent = i[at:at + n_enc]
        at += n_enc
        self.ids = u[at:at + n_tok]
        at += n_tok
        self.type_ids = u[at:at + n_tok]
        at += n_tok
        self.offsets = i[at:at + 2 * n_tok]
        at += 2 * n_tok
        self.word_ids = i[at:at + n_tok]
        at += n_tok
        self.sequence_ids = i[at:at + n_tok]
        at += n_tok
        self.special = u[at:at + n_tok]
        at += n_tok
        self.attention = u[at:at + n_tok]
        at += n_tok
        if self.has_tokens:
            self.tok_start = u[at:at + n_tok + 1]
            at += n_tok + 1
            self.tok_utf8 = u.cast("B")[4 * at:4 * at + tok_bytes]
        else:
            self.tok_start = self.tok_utf8 = None

    def encodings(self) -> list["Encoding"]:
        """The inputs' encodings, each with its overflowing ones attached."""
        encs = [Encoding._make(self, k, self.pairs[k] if k < self.n_inputs else False) for k in range(self.n_enc)]
        roots: list[Encoding] = []
        for k, e in enumerate(encs):
            p = self.parent[k]
            if p < 0:
                roots.append(e)
            else:
                e._pair = encs[p]._pair
                encs[p]._overflowing.append(e)
        return roots


def _opt(values: list[int]) -> list[int | None]:
    return [None if v < 0 else v for v in values]


class Encoding:
    """The result of encoding one input, as Hugging Face's ``tokenizers.Encoding``: ids, type ids, tokens, offsets
    (code points of the input), masks, word and sequence ids, and the overflowing parts truncation cut off."""

    __slots__ = ("_block", "_a", "_b", "_pair", "_overflowing", "_cache")
    _block: Any
    _overflowing: list["Encoding"]
    _cache: dict[str, Any]

    def __init__(self) -> None:
        raise TypeError("Encoding objects come from Tokenizer.encode and encode_batch")

    @classmethod
    def _make(cls, block: Block, k: int, pair: bool) -> "Encoding":
        self = object.__new__(cls)
        self._block = block
        self._a = block.start[k]
        self._b = block.start[k + 1]
        self._pair = pair
        self._overflowing = []
        self._cache = {}
        return self

    def _col(self, name: str) -> list[int]:
        c = self._cache.get(name)
        if c is None:
            c = self._cache[name] = getattr(self._block, name)[self._a:self._b].tolist()
        return c  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return self._b - self._a

    def __repr__(self) -> str:
        return (f"Encoding(num_tokens={len(self)}, attributes=[ids, type_ids, tokens, offsets, attention_mask, "
                f"special_tokens_mask, overflowing])")

    def __getstate__(self) -> dict[str, Any]:
        return {"ids": self.ids, "type_ids": self.type_ids, "tokens": self.tokens, "offsets": self.offsets,
                "attention_mask": self.attention_mask, "special_tokens_mask": self.special_tokens_mask,
                "word_ids": self.word_ids, "sequence_ids": self.sequence_ids, "pair": self._pair,
                "overflowing": [o.__getstate__() for o in self._overflowing]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._block = None
        self._a, self._b = 0, len(state["ids"])
        self._pair = state["pair"]
        self._cache = {k: state[k] for k in ("ids", "type_ids", "tokens", "offsets", "attention_mask",
                                             "special_tokens_mask", "word_ids", "sequence_ids")}
        self._overflowing = []
        for o in state["overflowing"]:
            e = object.__new__(Encoding)
            e.__setstate__(o)
            self._overflowing.append(e)

    def __reduce__(self) -> Any:
        return (object.__new__, (Encoding,), self.__getstate__())

    @property
    def ids(self) -> list[int]:
        """The token ids."""
        return list(self._col("ids"))

    @property
    def type_ids(self) -> list[int]:
        """The type (segment) id of each token."""
        return list(self._col("type_ids"))

    @property
    def tokens(self) -> list[str]:
        """The token strings."""
        c = self._cache.get("tokens")
        if c is None:
            b = self._block
            starts = b.tok_start[self._a:self._b + 1].tolist()
            raw = bytes(b.tok_utf8[starts[0]:starts[-1]]) if starts else b""
            base = starts[0] if starts else 0
            c = self._cache["tokens"] = [raw[s - base:e - base].decode("utf-8") for s, e in zip(starts, starts[1:])]
        return list(c)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """(start, end) of each token in its input, in characters (str indices)."""
        c = self._cache.get("offsets")
        if c is None:
            flat = self._block.offsets[2 * self._a:2 * self._b].tolist()
            c = self._cache["offsets"] = list(zip(flat[0::2], flat[1::2]))
        return list(c)

    @property
    def attention_mask(self) -> list[int]:
        """1 for real tokens, 0 for padding."""
        return list(self._col("attention"))

    @property
    def special_tokens_mask(self) -> list[int]:
        """1 for the special tokens the post-processor added, else 0."""
        return list(self._col("special"))

    @property
    def word_ids(self) -> list[int | None]:
        """The index of the word each token came from (None for special tokens and padding)."""
        c = self._cache.get("word_opt")
        if c is None:
            c = self._cache["word_opt"] = _opt(self._col("word_ids"))
        return list(c)

    @property
    def words(self) -> list[int | None]:
        """Deprecated alias of ``word_ids``, kept as HF keeps it."""
        return self.word_ids

    @property
    def sequence_ids(self) -> list[int | None]:
        """The input sequence each token belongs to (0, or 1 for a pair's second; None for special tokens)."""
        c = self._cache.get("seq_opt")
        if c is None:
            c = self._cache["seq_opt"] = _opt(self._col("sequence_ids"))
        return list(c)

    @property
    def overflowing(self) -> list["Encoding"]:
        """The parts of the input truncation cut off, each an Encoding."""
        return list(self._overflowing)

    @property
    def n_sequences(self) -> int:
        """The number of input sequences (2 for a pair)."""
        return 2 if self._pair else 1

    # ---- alignment helpers (HF's semantics, sequence ranges derived from the sequence ids) ---------------------------
    def _ranges(self) -> dict[int, tuple[int, int]]:
        r = self._cache.get("ranges")
        if r is None:
            r = {}
            for i, s in enumerate(self._col("sequence_ids")):
                if s >= 0:
                    a, _ = r.get(s, (i, i))
                    r[s] = (a, i + 1)
            self._cache["ranges"] = r
        return r  # type: ignore[no-any-return]

    def _range(self, sequence_index: int) -> tuple[int, int] | None:
        r = self._ranges()
        if sequence_index in r:
            return r[sequence_index]
        if self._pair and sequence_index in (0, 1):
            return None  # an empty sequence of a pair: nothing maps into it
        return (0, len(self))

    def token_to_sequence(self, token_index: int) -> int | None:
        """The sequence the token belongs to."""
        if token_index > len(self):
            return None
        r = self._ranges()
        if not r:
            return 0
        for s, (a, b) in r.items():
            if a <= token_index < b:
                return s
        return None

    def token_to_chars(self, token_index: int) -> tuple[int, int] | None:
        """The (start, end) characters of the token in its sequence."""
        if self.token_to_sequence(token_index) is None or not 0 <= token_index < len(self):
            return None
        return self.offsets[token_index]

    def token_to_word(self, token_index: int) -> int | None:
        """The word the token belongs to in its sequence."""
        if self.token_to_sequence(token_index) is None or not 0 <= token_index < len(self):
            return None
        w = self._col("word_ids")[token_index]
        return None if w < 0 else w

    def word_to_tokens(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None:
        """The [start, end) tokens of the word in the given sequence."""
        rng = self._range(sequence_index)
        if rng is None:
            return None
        a, b = rng
        start = end = None
        for i, w in enumerate(self._col("word_ids")[a:b]):
            if w > word_index:  # words only grow within a sequence; None (-1) sorts first, as in Rust
                break
            if w == word_index:
                if start is None:
                    start = i
                end = i + 1
        if start is None or end is None:
            return None
        return (a + start, a + end)

    def word_to_chars(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None:
        """The (start, end) characters of the word in the given sequence."""
        t = self.word_to_tokens(word_index, sequence_index)
        if t is None or t[1] == 0:
            return None
        offs = self.offsets
        return (offs[t[0]][0], offs[t[1] - 1][1])

    def char_to_token(self, char_pos: int, sequence_index: int = 0) -> int | None:
        """The token holding the character at char_pos of the given sequence."""
        rng = self._range(sequence_index)
        if rng is None or char_pos < 0:
            return None
        a, b = rng
        for i, (s, e) in enumerate(self.offsets[a:b]):
            if s <= char_pos < e:
                return a + i
        return None

    def char_to_word(self, char_pos: int, sequence_index: int = 0) -> int | None:
        """The word holding the character at char_pos of the given sequence."""
        t = self.char_to_token(char_pos, sequence_index)
        return None if t is None else self.token_to_word(t)
