"""``Tokenizer``: Hugging Face's ``tokenizers.Tokenizer`` over the engine's immutable tokenizer.json pipeline.

The native tokenizer never changes: truncation and padding live here and travel with each call, and every change of
vocabulary or component builds a new native tokenizer from JSON. Every encode is one crossing without the GIL;
a batch runs on threads created for the call.
"""
from __future__ import annotations

import json
import os
from array import array
from pathlib import Path
import typing
from typing import Any

from .. import _backend, _cancel, _handles
from . import decoders, models, normalizers, pre_tokenizers, processors
from ._added_token import AddedToken
from ._component import Component, from_json
from ._encoding import Block, Encoding, TokenTable, _single

__all__ = ["Tokenizer"]

_STRATEGIES = {"longest_first": 0, "only_first": 1, "only_second": 2}
_DIRECTIONS = {"right": 0, "left": 1}
_N_OPTIONS = 15
_NO_PAIR = [False]
_NO_TEXTS: list[str] = []


def _impl() -> Any:
    return _backend.impl


def _html_table(title: str, rows: list[tuple[str, object]]) -> str:
    """A notebook's view of an object: its title over a two-column table, every value escaped."""
    import html
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'>{html.escape('None' if v is None else str(v))}</td></tr>"
                   for k, v in rows)
    return f"<div><strong>{html.escape(title)}</strong><table>{body}</table></div>"


_JUST_STR = {str}


def _threads() -> int:
    """HF's parallelism: every core, unless TOKENIZERS_PARALLELISM says false."""
    if os.environ.get("TOKENIZERS_PARALLELISM", "").strip().lower() in ("0", "false", "no", "off"):
        return 1
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 1024))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, min(os.cpu_count() or 1, 1024))


def _check_str(x: object, what: str = "TextInputSequence") -> str:
    # HF's binding refuses non-str and strs that are not valid UTF-8 (lone surrogates) with this TypeError.
    if type(x) is not str:
        if not isinstance(x, str):
            raise TypeError(f"{what} must be str, not {type(x).__name__}")
        x = str(x)
    if not x.isascii():
        try:
            x.encode("utf-8")
        except UnicodeEncodeError:
            raise TypeError(f"{what} must be str (it holds a lone surrogate, which is not valid UTF-8)") from None
    return x


def _check_pretokenized(x: object) -> list[str]:
    if isinstance(x, str) or not isinstance(x, (list, tuple)):
        raise TypeError(f"PreTokenizedInputSequence must be a list or tuple of str, not {type(x).__name__}")
    return [_check_str(w, "PreTokenizedInputSequence") for w in x]


def _is_words(x: object) -> bool:
    return isinstance(x, (list, tuple)) and all(isinstance(w, str) for w in x)


def _split_words(inputs: Any) -> tuple[list[str], bytes, list[bool]]:
    """Pre-tokenized inputs as the engine takes them: every word in one list, two counts per input (its words, its
    pair's words or -1). An input is a list/tuple of str, or a pair of them (as HF reads PreTokenizedEncodeInput)."""
    if isinstance(inputs, str) or not isinstance(inputs, (list, tuple)):
        raise TypeError(f"encode_batch takes a list of inputs, not {type(inputs).__name__}")
    words: list[str] = []
    counts: list[int] = []
    has: list[bool] = []
    for x in inputs:
        if _is_words(x):
            words += _check_pretokenized(x)
            counts += (len(x), -1)
            has.append(False)
        elif isinstance(x, (tuple, list)) and len(x) == 2 and _is_words(x[0]) and _is_words(x[1]):
            a, b = _check_pretokenized(x[0]), _check_pretokenized(x[1])
            words += a
            words += b
            counts += (len(a), len(b))
            has.append(True)
        else:
            raise TypeError("PreTokenizedEncodeInput must be Union[PreTokenizedInputSequence, "
                            "Tuple[PreTokenizedInputSequence, PreTokenizedInputSequence]]")
    return words, array("q", counts).tobytes(), has


class Tokenizer:
    """A tokenizer.json pipeline: normalizer, pre-tokenizer, model, post-processor, decoder, added tokens."""

    def __init__(self, model: models.Model) -> None:
        if not isinstance(model, models.Model):
            raise TypeError(f"Tokenizer(model) needs a tokenizers.models object, not {type(model).__name__}")
        doc: dict[str, Any] = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
               "pre_tokenizer": None, "post_processor": None, "decoder": None, "model": model.to_json()}
        self._load(json.dumps(doc, ensure_ascii=False).encode("utf-8"))

    # ---- loading and saving -------------------------------------------------------------------------------------
    def _load(self, data: bytes | bytearray | memoryview) -> None:
        self._owner = _handles.own(_impl().tokenizer_from_json(data))
        self._refresh()
        self._truncation: dict[str, Any] | None = self._info["truncation"]
        self._padding: dict[str, Any] | None = self._info["padding"]

    def _refresh(self) -> None:
        self._info: dict[str, Any] = json.loads(_impl().tokenizer_info(self._owner.h))
        self._doc: dict[str, Any] | None = None
        self._vocab_cache: dict[bool, dict[str, int]] = {}
        self._table = TokenTable(self._owner, _impl().tokenizer_id_to_token)
        self._opt_cache: dict[tuple[bool, bool, int], tuple[Any, Any, bytes]] = {}
        self._one: tuple[Any, ...] | None = None

    @classmethod
    def _new(cls, data: bytes | bytearray | memoryview) -> "Tokenizer":
        self = cls.__new__(cls)
        self._load(data)
        return self

    @classmethod
    def from_str(cls, json: str) -> "Tokenizer":
        """A tokenizer from tokenizer.json text."""
        return cls._new(_check_str(json, "json").encode("utf-8"))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> "Tokenizer":
        """A tokenizer from a tokenizer.json file."""
        return cls._new(Path(path).read_bytes())

    @classmethod
    def from_buffer(cls, buffer: bytes | bytearray | memoryview) -> "Tokenizer":
        """A tokenizer from tokenizer.json bytes."""
        if isinstance(buffer, str):
            raise TypeError("from_buffer takes bytes; use from_str for text")
        return cls._new(buffer)

    @classmethod
    def from_sentencepiece(cls, model: Any) -> "Tokenizer":
        """A sentencepiece model (.model path, its bytes or an aotml SentencePieceProcessor) as a tokenizer.json
        pipeline giving the same ids; ValueError for models that have no such pipeline (aotml extra)."""
        from ._from_sentencepiece import tokenizer_json

        return cls.from_str(tokenizer_json(model))

    @classmethod
    def from_pretrained(cls, identifier: str, revision: str = "main", token: str | None = None) -> "Tokenizer":
        """Hub downloads are not part of aotml, which never touches the network: a local directory or file works."""
        p = Path(identifier)
        if p.is_dir() and (p / "tokenizer.json").is_file():
            return cls.from_file(p / "tokenizer.json")
        if p.is_file():
            return cls.from_file(p)
        raise NotImplementedError("aotml.tokenizers works offline: download tokenizer.json and use Tokenizer.from_file")

    def _synced(self) -> None:
        """Makes the native tokenizer's own truncation and padding the ones set here (for saving)."""
        if self._truncation != self._info["truncation"] or self._padding != self._info["padding"]:
            # A new native tokenizer sharing the components: no reload of the (often megabytes of) JSON.
            trunc, pad = self._truncation, self._padding
            options = self._options(True, False, False, pad)
            self._owner = _handles.own(_impl().tokenizer_with_settings(self._owner.h, options,
                                                                       pad["pad_token"] if pad else ""))
            self._refresh()
            self._truncation, self._padding = trunc, pad

    def to_str(self, pretty: bool = False) -> str:
        """tokenizer.json text, as HF writes it (truncation and padding as set now)."""
        self._synced()
        return _impl().tokenizer_to_json(self._owner.h, pretty)  # type: ignore[no-any-return]

    def save(self, path: str | os.PathLike[str], pretty: bool = True) -> None:
        """Writes tokenizer.json."""
        Path(path).write_text(self.to_str(pretty), encoding="utf-8")

    def __getstate__(self) -> bytes:
        return self.to_str().encode("utf-8")

    def __setstate__(self, state: bytes) -> None:
        self._load(state)

    def __reduce__(self) -> Any:
        return (_restore, (self.__getstate__(),))

    def __copy__(self) -> "Tokenizer":
        return _restore(self.__getstate__())

    def __deepcopy__(self, memo: Any) -> "Tokenizer":
        return self.__copy__()

    def _summary(self) -> list[tuple[str, object]]:
        """What repr and the notebook view show: the model type, sizes, component types, truncation, padding."""
        if self._doc is None:  # the cached serialization _json() reads too; copied there, only read here
            self._doc = json.loads(_impl().tokenizer_to_json(self._owner.h, False))

        def kind(c: Any, key: str) -> str | None:
            if c is None:
                return None
            parts = c.get(key) if c.get("type") == "Sequence" else None
            return c["type"] if parts is None else f"Sequence[{', '.join(kind(x, key) or '?' for x in parts)}]"

        doc = self._doc
        return [("model", doc["model"].get("type")), ("vocab_size", self.get_vocab_size(with_added_tokens=True)),
                ("added_tokens", len(self._info["added_tokens"])),
                ("normalizer", kind(doc.get("normalizer"), "normalizers")),
                ("pre_tokenizer", kind(doc.get("pre_tokenizer"), "pretokenizers")),
                ("post_processor", kind(doc.get("post_processor"), "processors")),
                ("decoder", kind(doc.get("decoder"), "decoders")),
                ("truncation", self._truncation), ("padding", self._padding)]

    def __repr__(self) -> str:
        return "Tokenizer(" + ", ".join(f"{k}={v!r}" for k, v in self._summary()) + ")"

    def _repr_html_(self) -> str:
        return _html_table("aotml.tokenizers.Tokenizer", self._summary())

    # ---- components -----------------------------------------------------------------------------------------------
    def _json(self) -> dict[str, Any]:
        if self._doc is None:
            self._doc = json.loads(_impl().tokenizer_to_json(self._owner.h, False))
        return json.loads(json.dumps(self._doc))  # a private copy

    def _rebuild(self, doc: dict[str, Any]) -> None:
        trunc, pad = self._truncation, self._padding
        new = _handles.own(_impl().tokenizer_from_json(json.dumps(doc, ensure_ascii=False).encode("utf-8")))
        self._owner = new
        self._refresh()
        self._truncation, self._padding = trunc, pad

    def _get(self, key: str, base: type[Component]) -> Any:
        return from_json(base, self._json().get(key))

    def _set(self, key: str, value: Component | None, base: type[Component]) -> None:
        if value is not None and not isinstance(value, base):
            raise TypeError(f"{key} must be a {base.__module__}.{base.__name__} or None, not {type(value).__name__}")
        if key == "model" and value is None:
            raise TypeError("a tokenizer needs a model")
        doc = self._json()
        doc[key] = None if value is None else value.to_json()
        self._rebuild(doc)

    @property
    def normalizer(self) -> normalizers.Normalizer | None:
        """The normalizer (a copy: set the property to change it)."""
        return self._get("normalizer", normalizers.Normalizer)

    @normalizer.setter
    def normalizer(self, value: normalizers.Normalizer | None) -> None:
        self._set("normalizer", value, normalizers.Normalizer)

    @property
    def pre_tokenizer(self) -> pre_tokenizers.PreTokenizer | None:
        """The pre-tokenizer."""
        return self._get("pre_tokenizer", pre_tokenizers.PreTokenizer)

    @pre_tokenizer.setter
    def pre_tokenizer(self, value: pre_tokenizers.PreTokenizer | None) -> None:
        self._set("pre_tokenizer", value, pre_tokenizers.PreTokenizer)

    @property
    def model(self) -> models.Model:
        """The model."""
        return self._get("model", models.Model)  # type: ignore[no-any-return]

    @model.setter
    def model(self, value: models.Model) -> None:
        self._set("model", value, models.Model)

    @property
    def post_processor(self) -> processors.PostProcessor | None:
        """The post-processor."""
        return self._get("post_processor", processors.PostProcessor)

    @post_processor.setter
    def post_processor(self, value: processors.PostProcessor | None) -> None:
        self._set("post_processor", value, processors.PostProcessor)

    @property
    def decoder(self) -> decoders.Decoder | None:
        """The decoder."""
        return self._get("decoder", decoders.Decoder)

    @decoder.setter
    def decoder(self, value: decoders.Decoder | None) -> None:
        self._set("decoder", value, decoders.Decoder)

    # ---- truncation and padding -----------------------------------------------------------------------------------
    def enable_truncation(self, max_length: int, stride: int = 0, strategy: str = "longest_first",
                          direction: str = "right") -> None:
        """Truncates every encoding to max_length tokens from now on (settings kept here, sent with each call)."""
        if strategy not in _STRATEGIES:
            raise ValueError(f"Unknown `strategy`: `{strategy}`. Use one of `longest_first`, `only_first`, or "
                             f"`only_second`")
        if direction not in _DIRECTIONS:
            raise ValueError(f"Unknown `direction`: `{direction}`. Use one of `left` or `right`.")
        for name, v in (("max_length", max_length), ("stride", stride)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be int, not {type(v).__name__}")
            if v < 0:
                raise OverflowError(f"can't convert negative int to unsigned ({name})")
        self._truncation = {"max_length": max_length, "stride": stride, "strategy": strategy, "direction": direction}

    def no_truncation(self) -> None:
        """Turns truncation off."""
        self._truncation = None

    @property
    def truncation(self) -> dict[str, Any] | None:
        """The truncation settings (max_length, stride, strategy, direction), or None."""
        return None if self._truncation is None else dict(self._truncation)

    def enable_padding(self, direction: str = "right", pad_id: int = 0, pad_type_id: int = 0, pad_token: str = "[PAD]",
                       length: int | None = None, pad_to_multiple_of: int | None = None) -> None:
        """Pads every batch (to `length`, or its longest encoding) from now on."""
        if direction not in _DIRECTIONS:
            raise ValueError(f"Unknown `direction`: `{direction}`. Use one of `left` or `right`")
        for name, v in (("pad_id", pad_id), ("pad_type_id", pad_type_id), ("length", length),
                        ("pad_to_multiple_of", pad_to_multiple_of)):
            if v is None and name in ("length", "pad_to_multiple_of"):
                continue
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be int, not {type(v).__name__}")
            if v < 0 or v > 0xFFFFFFFF:
                raise OverflowError(f"{name} {v} is out of range")
        self._padding = {"length": length, "pad_to_multiple_of": pad_to_multiple_of, "pad_id": pad_id,
                         "pad_token": _check_str(pad_token, "pad_token"), "pad_type_id": pad_type_id,
                         "direction": direction}

    def no_padding(self) -> None:
        """Turns padding off."""
        self._padding = None

    @property
    def padding(self) -> dict[str, Any] | None:
        """The padding settings (length, pad_to_multiple_of, pad_id, pad_token, pad_type_id, direction), or None."""
        return None if self._padding is None else dict(self._padding)

    # ---- encoding -------------------------------------------------------------------------------------------------
    def _options(self, add_special_tokens: bool, tokens: bool, matrices: int,
                 padding: dict[str, Any] | None) -> bytes:
        # The option words depend only on these flags and the settings objects, which are replaced, never mutated.
        key = (add_special_tokens, tokens, matrices)
        hit = self._opt_cache.get(key)
        if hit is not None and hit[0] is self._truncation and hit[1] is padding:
            return hit[2]
        words = self._option_words(add_special_tokens, tokens, matrices, padding)
        self._opt_cache[key] = (self._truncation, padding, words)
        return words

    def _option_words(self, add_special_tokens: bool, tokens: bool, matrices: int,
                      padding: dict[str, Any] | None) -> bytes:
        t, p = self._truncation, padding
        words = [1 if add_special_tokens else 0,
                 1 if t else 0, t["max_length"] if t else 0, t["stride"] if t else 0,
                 _STRATEGIES[t["strategy"]] if t else 0, _DIRECTIONS[t["direction"]] if t else 0,
                 1 if p else 0, _DIRECTIONS[p["direction"]] if p else 0,
                 (-1 if p["length"] is None else p["length"]) if p else -1,
                 (p["pad_to_multiple_of"] or 0) if p else 0, p["pad_id"] if p else 0, p["pad_type_id"] if p else 0,
                 1 if tokens else 0, int(matrices), 0]
        return array("q", words).tobytes()

    def _split_inputs(self, inputs: Any, is_pretokenized: bool) -> tuple[list[str], list[str], list[bool]]:
        if isinstance(inputs, str) or not isinstance(inputs, (list, tuple)):
            raise TypeError(f"encode_batch takes a list of inputs, not {type(inputs).__name__}")
        if inputs and set(map(type, inputs)) == _JUST_STR:
            # A batch of plain strs, checked for lone surrogates by the binding (the C extension's check leaves each
            # str's UTF-8 cached for the encode call) instead of a Python call per text; the loop below reports any
            # culprit.
            plain = list(inputs)
            if _impl().texts_are_utf8(plain):
                return plain, [], []
        texts: list[str] = []
        pairs: list[str] = []
        has: list[bool] = []
        for x in inputs:
            if isinstance(x, str):
                texts.append(_check_str(x))
                pairs.append("")
                has.append(False)
            elif isinstance(x, (tuple, list)) and len(x) == 2:
                texts.append(_check_str(x[0]))
                pairs.append(_check_str(x[1]))
                has.append(True)
            else:
                raise TypeError("TextEncodeInput must be Union[TextInputSequence, Tuple[InputSequence, InputSequence]]")
        return texts, pairs, has

    def _run(self, texts: list[str], pairs: list[str], has: list[bool], add_special_tokens: bool, tokens: bool,
             matrices: int, padding: dict[str, Any] | None, threads: int, word_counts: bytes = b"") -> Any:
        any_pair = any(has)
        pad_token = padding["pad_token"] if padding else ""
        impl, handle = _impl(), self._owner.h
        pair_texts, pair_flags = (pairs, bytes(has)) if any_pair else ([], None)
        options = self._options(add_special_tokens, tokens, matrices, padding)
        # A long batch runs under a cancellation token so that Ctrl-C stops it between chunks.
        cost = sum(map(len, texts)) + (sum(map(len, pairs)) if any_pair else 0)
        return _cancel.call(lambda token: impl.tokenizer_encode_batch(
            handle, texts, pair_texts, pair_flags, options, pad_token, word_counts, threads, token), cost)

    def _one_args(self) -> tuple[Any, ...]:
        """What encode() of one short ASCII text sends, for the current settings: (truncation, padding, handle,
        options without and with special tokens, pad token); rebuilt when a setting object or the handle changes."""
        t, p = self._truncation, self._padding
        one = self._one = (t, p, self._owner.h, self._options(False, True, False, p), self._options(True, True, False, p),
                           p["pad_token"] if p else "")
        return one

    def encode(self, sequence: Any, pair: Any = None, is_pretokenized: bool = False,
               add_special_tokens: bool = True) -> Encoding:
        """Encodes one sequence (and its optional pair)."""
        # The common call, a short ASCII str alone, in as few Python steps as possible: its options are cached, and
        # without truncation the block holds exactly one encoding, which _single wraps without reading the columns.
        # Performance notes (llama3, a 44-character sentence, thread CPU time on a loaded machine): the Python
        # around the crossing went from ~1.5 us to ~0.6 us; Block.__init__ (two memoryview casts, header reads,
        # ~0.45 us) and Encoding._make (~0.25 us) were most of it. Tried and dropped: making a batch's Encodings
        # inline instead of through _make (no gain).
        if (pair is None and type(sequence) is str and not is_pretokenized and sequence.isascii()
                and len(sequence) < _cancel.MIN_CANCELLABLE_COST):
            one = self._one
            if one is None or one[0] is not self._truncation or one[1] is not self._padding:
                one = self._one_args()
            block = _backend.impl.tokenizer_encode_batch(one[2], [sequence], _NO_TEXTS, None,
                                                         one[4] if add_special_tokens else one[3], one[5], b"", 1, None)
            if one[0] is None:
                return _single(block, self._table)
            b = Block(block, _NO_PAIR, self._table)
            return Encoding._make(b, 0, False) if b.n_enc == 1 else b.encodings()[0]
        if is_pretokenized:
            words = _check_pretokenized(sequence)
            pair_words = None if pair is None else _check_pretokenized(pair)
            counts = array("q", (len(words), -1 if pair_words is None else len(pair_words))).tobytes()
            block = self._run(words + (pair_words or []), [], [], add_special_tokens, True, False, self._padding, 1,
                              counts)
            return Block(block, [pair_words is not None], self._table).encodings()[0]
        text = sequence if type(sequence) is str and sequence.isascii() else _check_str(sequence)
        padding = self._padding
        options = self._options(add_special_tokens, True, False, padding)
        if pair is None:
            # The common case in one crossing: no pair, no helper thread for a short text, no closures.
            if len(text) < _cancel.MIN_CANCELLABLE_COST:
                block = _impl().tokenizer_encode_batch(self._owner.h, [text], [], None, options,
                                                       padding["pad_token"] if padding else "", b"", 1, None)
            else:
                block = self._run([text], [""], [False], add_special_tokens, True, False, padding, 1)
            b = Block(block, _NO_PAIR, self._table)
            return Encoding._make(b, 0, False) if b.n_enc == 1 else b.encodings()[0]
        p = _check_str(pair)
        block = self._run([text], [p], [True], add_special_tokens, True, False, padding, 1)
        return Block(block, [True], self._table).encodings()[0]

    def encode_batch(self, input: typing.Sequence[Any], is_pretokenized: bool = False,
                     add_special_tokens: bool = True) -> list[Encoding]:
        """Encodes a batch (strs, or (str, str) pairs) in one call, in parallel."""
        # Performance notes (300 KB of English lines, one thread, thread CPU time): the Python around the engine call
        # went from ~2.1 ms to ~0.8 ms: a batch of plain strs is checked in C-speed passes (_split_inputs), and each
        # Encoding is made with four slots (Block.encodings), its column cache and overflow list made on first use.
        # What is left is about one Encoding object per input (~0.15 us each).
        if is_pretokenized:
            words, counts, has = _split_words(input)
            block = self._run(words, [], [], add_special_tokens, True, False, self._padding, _threads(), counts)
            return Block(block, has, self._table).encodings()
        texts, pairs, has = self._split_inputs(input, is_pretokenized)
        block = self._run(texts, pairs, has, add_special_tokens, True, False, self._padding, _threads())
        return Block(block, has, self._table).encodings()

    def encode_batch_fast(self, input: typing.Sequence[Any], is_pretokenized: bool = False,
                          add_special_tokens: bool = True) -> list[Encoding]:
        """As encode_batch (HF's variant skips offsets; aotml's offsets cost little)."""
        return self.encode_batch(input, is_pretokenized, add_special_tokens)

    def encode_batch_to_numpy(self, input: typing.Sequence[Any], add_special_tokens: bool = True,
                              num_threads: int | None = None) -> dict[str, Any]:
        """aotml's extra: the batch as padded int64 matrices {"input_ids", "attention_mask", "token_type_ids"},
        ready for an ONNX model, without Encoding objects. Uses the padding set (else pads to the batch's longest
        with id 0) and the truncation set; overflowing parts are left out. The arrays view engine memory."""
        import numpy as np
        texts, pairs, has = self._split_inputs(input, False)
        threads = _threads() if num_threads is None else num_threads
        block = self._run(texts, pairs, has, add_special_tokens, False, True, self._padding, threads)
        head = np.frombuffer(block, dtype=np.uint32, count=8)
        n, width = int(head[1]), int(head[2])
        cells = n * width
        out = {}
        for k, name in enumerate(("input_ids", "attention_mask", "token_type_ids")):
            out[name] = np.frombuffer(block, dtype=np.int64, count=cells, offset=32 + 8 * k * cells).reshape(n, width)
        return out

    def encode_batch_ids(self, input: typing.Sequence[Any], add_special_tokens: bool = True,
                         num_threads: int | None = None) -> tuple[Any, Any]:
        """aotml's extra: the ids alone, ragged, as two numpy arrays ``(ids, starts)``: ``ids`` (uint32) holds every
        input's ids end to end and input i has ``ids[starts[i]:starts[i + 1]]`` (``starts``: int64, one more than the
        inputs). Special tokens as set by add_special_tokens; the truncation set applies (overflowing parts are left
        out); no padding. Nothing else is computed (no offsets, masks or token strings), which makes it the cheapest
        way to ids. ``ids`` views engine memory."""
        import numpy as np
        texts, pairs, has = self._split_inputs(input, False)
        threads = _threads() if num_threads is None else num_threads
        block = self._run(texts, pairs, has, add_special_tokens, False, 2, None, threads)
        head = np.frombuffer(block, dtype=np.uint32, count=3)
        n, n_tok = int(head[1]), int(head[2])
        starts = np.frombuffer(block, dtype=np.uint32, count=n + 1, offset=32).astype(np.int64)
        return np.frombuffer(block, dtype=np.uint32, count=n_tok, offset=32 + 4 * (n + 1)), starts

    # ---- decoding -------------------------------------------------------------------------------------------------
    @staticmethod
    def _ids(ids: Any) -> array:  # type: ignore[type-arg]
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of int, not {type(ids).__name__}")
        try:
            return array("I", ids)
        except OverflowError:
            raise OverflowError("token ids must be in [0, 2**32): a negative or too large id was given") from None
        except TypeError:
            bad = next((x for x in ids if isinstance(x, bool) or not isinstance(x, int)), None)
            raise TypeError(f"token ids must be int, not {type(bad).__name__}") from None

    def decode(self, ids: typing.Sequence[int], skip_special_tokens: bool = True) -> str:
        """The text of the ids (ids not in the vocabulary are skipped, as HF does)."""
        a = self._ids(ids)
        return _impl().tokenizer_decode_batch(self._owner.h, a.tobytes(), array("q", [0, len(a)]).tobytes(),  # type: ignore[no-any-return]
                                              skip_special_tokens, 1)[0]

    def decode_batch(self, sequences: typing.Sequence[typing.Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        """The texts of several id sequences, decoded in parallel."""
        flat = array("I")
        offsets = array("q", [0])
        for s in sequences:
            flat.extend(self._ids(s))
            offsets.append(len(flat))
        return _impl().tokenizer_decode_batch(self._owner.h, flat.tobytes(), offsets.tobytes(),  # type: ignore[no-any-return]
                                              skip_special_tokens, _threads())

    # ---- vocabulary -----------------------------------------------------------------------------------------------
    def token_to_id(self, token: str) -> int | None:
        """The id of a token (added tokens included), or None."""
        i = _impl().tokenizer_token_to_id(self._owner.h, _check_str(token, "token"))
        return None if i < 0 else i  # type: ignore[no-any-return]

    def id_to_token(self, id: int) -> str | None:
        """The token of an id, or None."""
        if isinstance(id, bool) or not isinstance(id, int):
            raise TypeError(f"id must be int, not {type(id).__name__}")
        if id < 0:
            raise OverflowError("can't convert negative int to unsigned")
        if id > 0xFFFFFFFF:
            return None
        found, token = _impl().tokenizer_id_to_token(self._owner.h, id)
        return token if found else None

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        """{token: id}."""
        v = self._vocab_cache.get(bool(with_added_tokens))
        if v is None:
            v = self._vocab_cache[bool(with_added_tokens)] = json.loads(
                _impl().tokenizer_vocab(self._owner.h, bool(with_added_tokens)))
        return dict(v)

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        """The number of tokens (with or without the added ones)."""
        return self._info["vocab_size" if with_added_tokens else "vocab_size_base"]  # type: ignore[no-any-return]

    def get_added_tokens_decoder(self) -> dict[int, AddedToken]:
        """{id: AddedToken} of the added tokens."""
        return {t["id"]: AddedToken(t["content"], single_word=t["single_word"], lstrip=t["lstrip"],
                                    rstrip=t["rstrip"], normalized=t["normalized"], special=t["special"])
                for t in self._info["added_tokens"]}

    def _add(self, tokens: Any, special: bool) -> int:
        if isinstance(tokens, (str, AddedToken)) or not isinstance(tokens, (list, tuple)):
            raise TypeError("add_tokens takes a list of str or AddedToken")
        items = []
        for t in tokens:
            if isinstance(t, str):
                t = AddedToken(t, special=special)
            elif not isinstance(t, AddedToken):
                raise TypeError(f"Input must be a List[Union[str, AddedToken]], not {type(t).__name__}")
            items.append(t.__getstate__())
        h, added = _impl().tokenizer_add_tokens(self._owner.h, json.dumps(items, ensure_ascii=False), special)
        self._owner = _handles.own(h)
        trunc, pad = self._truncation, self._padding
        self._refresh()
        self._truncation, self._padding = trunc, pad
        return added  # type: ignore[no-any-return]

    def add_tokens(self, tokens: list[str | AddedToken]) -> int:
        """Adds tokens to the vocabulary; returns how many were new."""
        return self._add(tokens, False)

    def add_special_tokens(self, tokens: list[str | AddedToken]) -> int:
        """Adds special tokens (skipped by decode with skip_special_tokens); returns how many were new."""
        return self._add(tokens, True)

    def num_special_tokens_to_add(self, is_pair: bool) -> int:
        """How many special tokens the post-processor adds to one sequence (or a pair)."""
        pp = self.post_processor
        return 0 if pp is None else pp.num_special_tokens_to_add(is_pair)

    def train(self, files: list[str], trainer: Any = None) -> None:
        raise NotImplementedError("aotml.tokenizers loads and runs tokenizers; it does not train them")

    def train_from_iterator(self, iterator: Any, trainer: Any = None, length: int | None = None) -> None:
        raise NotImplementedError("aotml.tokenizers loads and runs tokenizers; it does not train them")


def _restore(state: bytes) -> Tokenizer:
    return Tokenizer._new(state)
