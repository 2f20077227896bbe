"""``Encoding``: one encoded input, read lazily from the columnar block an encode call returns."""
from __future__ import annotations

import gc
from typing import Any

__all__ = ["Encoding", "Block", "TokenTable"]

_new = object.__new__

_HEADER = 8


class TokenTable:
    """Token strings by id for one native tokenizer, fetched on first use: an encode result carries strings only for
    the tokens whose text is not the vocabulary entry of their id (what ``Tokenizer.id_to_token`` returns)."""

    __slots__ = ("_handle_owner", "_lookup", "_cache")

    def __init__(self, owner: Any, lookup: Any) -> None:
        self._handle_owner = owner  # keeps the native tokenizer alive as long as an Encoding may ask
        self._lookup = lookup
        self._cache: dict[int, str] = {}

    def tokens(self, ids: list[int]) -> list[str]:
        cache = self._cache
        try:
            return [cache[i] for i in ids]
        except KeyError:
            for i in ids:
                if i not in cache:
                    found, token = self._lookup(self._handle_owner.h, i)
                    cache[i] = token if found else ""
            return [cache[i] for i in ids]


# Column name -> (word offset from the start of the per-token columns in units of n_tok, words per token, signed).
_COLUMNS = {"ids": (0, 1, False), "type_ids": (1, 1, False), "offsets": (2, 2, True), "word_ids": (4, 1, True),
            "sequence_ids": (5, 1, True), "special": (6, 1, False), "attention": (7, 1, False)}
# The compact layout (flags & 4): ids, offset starts, offset ends and word ids per token, then the template every
# encoding follows (header word 7 = its length): [n_prefix, n_suffix, sequence type id, prefix type ids, suffix type
# ids].
_COMPACT = {"ids": (0, 1, False), "starts": (1, 1, True), "ends": (2, 1, True), "word_ids": (3, 1, True)}
_DERIVED = ("type_ids", "sequence_ids", "special", "attention")
# Performance notes: the engine writes and copies half the words per token in the compact layout, and an encode_batch
# that never reads these columns never builds them (with the GC pause in Block.encodings, what offsets cost over
# encode_batch_ids went from +55 % to +27 % on llama3 and +70 % to +50 % on all-MiniLM-L6-v2, English prose).


def _place(compact: bool, n_enc: int, n_tok: int, name: str) -> tuple[int, int, bool]:
    """Where per-token column `name` starts in a block's words (after the header, enc_start[n_enc + 1] and
    enc_parent[n_enc]), its words per token and whether it is signed."""
    at, width, signed = (_COMPACT if compact else _COLUMNS)[name]
    return _HEADER + 2 * n_enc + 1 + at * n_tok, width, signed


def _derived(name: str, template: list[int], n: int) -> list[int]:
    """Column `name` of an n-token encoding of the compact layout, from its template (see _COMPACT)."""
    p, s, t = template[0], template[1], template[2]
    m = n - p - s
    if name == "type_ids":
        return template[3:3 + p] + [t] * m + template[3 + p:3 + p + s]
    if name == "attention":
        return [1] * n
    if name == "special":
        return [1] * p + [0] * m + [1] * s
    return [-1] * p + [0] * m + [-1] * s  # sequence_ids


class Block:
    """The columns of one encode call (see aotml.h, aotml_tokenizer_encode_batch), over the engine's memory. Columns
    are sliced on first use: encode() of one short text pays for the header only."""

    __slots__ = ("buffer", "pairs", "table", "n_inputs", "n_enc", "n_tok", "flags", "tok_bytes", "n_exc", "base",
                 "_u", "_i", "_cols", "_start", "template", "_tail")

    def __init__(self, buffer: Any, pairs: list[bool], table: TokenTable | None = None) -> None:
        self.buffer = buffer
        self.pairs = pairs
        self.table = table
        u = memoryview(buffer)
        if u.format != "I" or u.ndim != 1:  # both backends give a flat "I" view; anything else is cast once
            u = u.cast("B").cast("I")
        self._u = u
        self._i: memoryview | None = None
        self._cols: dict[str, Any] = {}
        _, self.n_inputs, n_enc, self.n_tok, self.flags, self.tok_bytes, self.n_exc, desc = u[:_HEADER].tolist()
        self.n_enc = n_enc
        self.base = _HEADER + 2 * n_enc + 1
        self._start: list[int] | None = None
        # The compact layout's template (None: every column is in the block) and the first word after the columns.
        if self.flags & 4:
            at = self.base + 4 * self.n_tok
            self.template: list[int] | None = u[at:at + desc].tolist()
            self._tail = at + desc
        else:
            self.template = None
            self._tail = self.base + 8 * self.n_tok

    def start(self, k: int) -> tuple[int, int]:
        """Token range of encoding k."""
        if self._start is None:
            self._start = self._u[_HEADER:_HEADER + self.n_enc + 1].tolist()
        return self._start[k], self._start[k + 1]

    def col(self, name: str) -> Any:
        """A per-token column as a memoryview."""
        c = self._cols.get(name)
        if c is None:
            a, width, signed = _place(self.template is not None, self.n_enc, self.n_tok, name)
            if signed:
                if self._i is None:
                    self._i = self._u.cast("B").cast("i")
                c = self._i[a:a + width * self.n_tok]
            else:
                c = self._u[a:a + width * self.n_tok]
            self._cols[name] = c
        return c

    def tokens(self, a: int, b: int) -> list[str]:
        """The token strings of tokens [a, b)."""
        u, n_tok = self._u, self.n_tok
        tail = self._tail  # first word after the per-token columns
        if self.flags & 1:  # every string in the block
            starts = u[tail + a:tail + b + 1].tolist()
            at = tail + n_tok + 1
            raw = bytes(u.cast("B")[4 * at + starts[0]:4 * at + starts[-1]]) if starts else b""
            base = starts[0] if starts else 0
            return [raw[s - base:e - base].decode("utf-8") for s, e in zip(starts, starts[1:])]
        assert self.table is not None
        out = self.table.tokens(self.col("ids")[a:b].tolist())
        n_exc = self.n_exc
        if n_exc:  # the strings that differ from the vocabulary, by token index
            import bisect
            index = u[tail:tail + n_exc]
            lo = bisect.bisect_left(index, a)
            hi = bisect.bisect_left(index, b, lo)
            if lo < hi:
                exc_starts = u[tail + n_exc:tail + 2 * n_exc + 1]
                at = 4 * (tail + 2 * n_exc + 1)
                raw_bytes = u.cast("B")
                for j in range(lo, hi):
                    out[index[j] - a] = bytes(raw_bytes[at + exc_starts[j]:at + exc_starts[j + 1]]).decode("utf-8")
        return out

    def encodings(self) -> list["Encoding"]:
        """The inputs' encodings, each with its overflowing ones attached."""
        n_enc, n_inputs, pairs = self.n_enc, self.n_inputs, self.pairs
        if n_enc == n_inputs and not any(pairs):  # the common batch: one loop that sets four slots per Encoding
            if self._start is None:
                self._start = self._u[_HEADER:_HEADER + n_enc + 1].tolist()
            starts = self._start
            out: list[Encoding] = []
            add = out.append
            new, cls = _new, Encoding
            a = starts[0] if starts else 0
            # Each Encoding is a GC-tracked object: a large batch made with the collector on set off its collections
            # over and over, each walking every Encoding made so far (40 % of this loop); the collector is paused
            # for the loop and left as it was.
            paused = n_enc > 1000 and gc.isenabled()
            if paused:
                gc.disable()
            try:
                for b in starts[1:]:
                    e = new(cls)
                    e._block = self
                    e._a = a
                    e._b = a = b
                    e._pair = False
                    add(e)
            finally:
                if paused:
                    gc.enable()
            return out
        if len(pairs) < n_inputs:  # an empty list stands for no pairs
            pairs = [False] * n_inputs
        if n_enc == n_inputs:  # no overflow: nothing to attach
            return [Encoding._make(self, k, pairs[k]) for k in range(n_enc)]
        encs = [Encoding._make(self, k, pairs[k] if k < n_inputs else False) for k in range(n_enc)]
        parent = self._u.cast("B").cast("i")[_HEADER + n_enc + 1:_HEADER + 2 * n_enc + 1].tolist()
        roots: list[Encoding] = []
        for k, e in enumerate(encs):
            p = parent[k]
            if p < 0:
                roots.append(e)
            else:
                e._pair = encs[p]._pair
                encs[p]._over().append(e)
        return roots


_NO_PAIR = [False]


def _single(buffer: Any, table: TokenTable) -> "Encoding":
    """The Encoding of a block holding exactly one encoding (one text, no pair, no truncation): the header's token
    count is all it needs now; the Block that reads the columns is made on first use."""
    self = _new(Encoding)
    self._block = buffer
    self._table = table
    self._a = 0
    self._b = memoryview(buffer)[3]
    self._pair = False
    return self


def _opt(values: list[int]) -> list[int | None]:
    return [None if v < 0 else v for v in values]


class Encoding:
    """The result of encoding one input, as Hugging Face's ``tokenizers.Encoding``: ids, type ids, tokens, offsets
    (code points of the input), masks, word and sequence ids, and the overflowing parts truncation cut off."""

    # _cache and _overflowing are set on first use: an Encoding of a batch is made with four slots set, ~0.15 us
    # instead of ~0.6 us with a new dict and list each (a third of encode_batch's Python time on short lines).
    __slots__ = ("_block", "_a", "_b", "_pair", "_overflowing", "_cache", "_table")
    _block: Any
    _table: TokenTable
    _overflowing: list["Encoding"]
    _cache: dict[str, Any]

    def __init__(self) -> None:
        raise TypeError("Encoding objects come from Tokenizer.encode and encode_batch")

    @classmethod
    def _make(cls, block: Block, k: int, pair: bool) -> "Encoding":
        self = object.__new__(cls)
        self._block = block
        self._a, self._b = block.start(k)
        self._pair = pair
        return self

    def _c(self) -> dict[str, Any]:
        """The cache of decoded columns, made on first use."""
        try:
            return self._cache
        except AttributeError:
            c = self._cache = {}
            return c

    def _over(self) -> list["Encoding"]:
        """The overflowing encodings, a list made on first use."""
        try:
            return self._overflowing
        except AttributeError:
            o = self._overflowing = []
            return o

    def _blk(self) -> Block:
        b = self._block
        if type(b) is not Block:  # the bare block of encode()'s one text (see _single): its Block made on first use
            b = self._block = Block(b, _NO_PAIR, self._table)
        return b

    def _view(self, name: str) -> Any:
        """This encoding's part of a per-token column, as a memoryview (not one of _DERIVED in a compact block)."""
        b = self._block
        if type(b) is Block:
            width = 2 if name == "offsets" else 1
            return b.col(name)[width * self._a:width * self._b]
        if b is None:
            raise ValueError("this unpickled Encoding holds no such column")
        # The bare block of one encoding (_single), read without making its Block.
        u = memoryview(b)
        n = self._b
        a, width, signed = _place(bool(u[4] & 4), 1, n, name)
        return (u.cast("B").cast("i") if signed else u)[a:a + width * n]

    def _col(self, name: str) -> list[int]:
        c = self._c().get(name)
        if c is None:
            if name in _DERIVED and (t := self._blk().template) is not None:
                c = self._c()[name] = _derived(name, t, self._b - self._a)
            else:
                c = self._c()[name] = self._view(name).tolist()
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
                "overflowing": [o.__getstate__() for o in self._over()]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._block = None
        self._a, self._b = 0, len(state["ids"])
        self._pair = state["pair"]
        # The cache keys the accessors read: raw columns (-1 for None) and their Optional forms.
        c = self._cache = {k: state[k] for k in ("ids", "type_ids", "tokens", "offsets")}
        c["attention"], c["special"] = state["attention_mask"], state["special_tokens_mask"]
        for raw, opt, key in (("word_ids", "word_opt", "word_ids"), ("sequence_ids", "seq_opt", "sequence_ids")):
            c[opt] = state[key]
            c[raw] = [-1 if v is None else v for v in state[key]]
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
        c = self._c().get("tokens")
        if c is None:
            c = self._c()["tokens"] = self._blk().tokens(self._a, self._b)
        return list(c)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """(start, end) of each token in its input, in characters (str indices)."""
        c = self._c().get("offsets")
        if c is None:
            if self._blk().template is not None:
                c = self._c()["offsets"] = list(zip(self._view("starts").tolist(), self._view("ends").tolist()))
            else:
                flat = self._view("offsets").tolist()
                c = self._c()["offsets"] = list(zip(flat[0::2], flat[1::2]))
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
        c = self._c().get("word_opt")
        if c is None:
            c = self._c()["word_opt"] = _opt(self._col("word_ids"))
        return list(c)

    @property
    def words(self) -> list[int | None]:
        """Deprecated alias of ``word_ids``, kept as HF keeps it."""
        return self.word_ids

    @property
    def sequence_ids(self) -> list[int | None]:
        """The input sequence each token belongs to (0, or 1 for a pair's second; None for special tokens)."""
        c = self._c().get("seq_opt")
        if c is None:
            c = self._c()["seq_opt"] = _opt(self._col("sequence_ids"))
        return list(c)

    @property
    def overflowing(self) -> list["Encoding"]:
        """The parts of the input truncation cut off, each an Encoding."""
        return list(self._over())

    @property
    def n_sequences(self) -> int:
        """The number of input sequences (2 for a pair)."""
        return 2 if self._pair else 1

    # ---- alignment helpers (HF's semantics, sequence ranges derived from the sequence ids) ---------------------------
    def _ranges(self) -> dict[int, tuple[int, int]]:
        r = self._c().get("ranges")
        if r is None:
            r = {}
            for i, s in enumerate(self._col("sequence_ids")):
                if s >= 0:
                    a, _ = r.get(s, (i, i))
                    r[s] = (a, i + 1)
            self._c()["ranges"] = r
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
