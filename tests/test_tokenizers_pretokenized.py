"""Pre-tokenized input (is_pretokenized=True) against Hugging Face tokenizers 0.23.2 (tests/support/hf_oracle.py).

HF encodes each word alone (added tokens, normalizer, pre-tokenizer, model), gives its tokens the word's index as
word id and offsets within the word, joins the words' encodings, then truncates, post-processes and pads as for text.
The npm binding that serves as the oracle takes only strings, so the expected encodings are assembled from what it
does answer: each word's own encoding (no special tokens) and, for the special tokens, the template it puts around a
one-character text (and pair). Truncation and padding are checked against the same operations on text input."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import aotml.tokenizers as tk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402
from support import hf_oracle  # noqa: E402
from support.corpora import english_prose, lines, multilingual  # noqa: E402

NAMES = ["all-MiniLM-L6-v2", "llama3", "llama2", "deepseek_v3"]
FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids", "sequence_ids")


@pytest.fixture(scope="module", autouse=True)
def _oracle_available() -> None:
    missing = hf_oracle.available()
    if missing:
        pytest.skip(f"HF oracle unavailable: {missing}")


def _inputs() -> list[list[str]]:
    """Word lists as users pass them: split prose and multilingual lines, words with edge spaces, special tokens,
    empty words and an empty list."""
    out = [t.split() for t in lines(english_prose(4_000), 30)]
    langs = multilingual(4_000)
    out += [t.split(" ") for lang in sorted(langs) for t in lines(langs[lang], 4)]
    out += [[], [""], ["", "a", ""], [" hello", "world ", "  "], ["<|begin_of_text|>", "Hi", "[CLS]", "<s>", "</s>"],
            ["naïve", "café", "\u00c5ngstr\u00f6m", "ﬁ", "①"], ["a" * 300], ["\n", "\t", "x\ny"]]
    return out


_REPLIES: dict[str, Any] = {}


def _oracle(name: str, words: list[str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Each word's encoding without special tokens, and the encodings of "x" and ("x", "y") with them."""
    key = name + json.dumps(words)
    if key not in _REPLIES:
        op = hf_oracle.HfOracle.encode_op
        r = hf_oracle.HfOracle(material.tokenizer_json(name)).run(
            [op(words, add_special_tokens=False), op(["x"]), op(["x"], ["y"]), op(["x"], add_special_tokens=False),
             op(["y"], add_special_tokens=False)])
        enc = [hf_oracle.HfOracle.encodings(x) for x in r]
        _REPLIES[key] = (dict(zip(words, enc[0])), enc[1][0], enc[2][0], enc[3][0], enc[4][0])
    return _REPLIES[key]


def _body(per_word: dict[str, Any], words: list[str], type_id: int, seq: int) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {f: [] for f in FIELDS}
    for i, w in enumerate(words):
        e = per_word[w]
        out["ids"] += e.ids
        out["tokens"] += e.tokens
        out["offsets"] += [tuple(o) for o in e.offsets]
        out["word_ids"] += [i] * len(e.ids)
        out["type_ids"] += [type_id] * len(e.ids)
        out["attention_mask"] += [1] * len(e.ids)
        out["special_tokens_mask"] += [0] * len(e.ids)
        out["sequence_ids"] += [seq] * len(e.ids)
    return out


def _around(template: Any, parts: list[tuple[Any, dict[str, list[Any]]]]) -> dict[str, list[Any]]:
    """The oracle's template (its encoding of one-character texts) with each text's tokens replaced by a body."""
    out: dict[str, list[Any]] = {f: [] for f in FIELDS}
    at = 0
    for piece, body in parts:
        start = template.ids.index(piece.ids[0], at)
        for k in range(at, start):
            for f in FIELDS:
                v = getattr(template, f)[k]
                out[f].append(tuple(v) if f == "offsets" else v)
        for f in FIELDS:
            out[f] += body[f]
        at = start + len(piece.ids)
    for k in range(at, len(template.ids)):
        for f in FIELDS:
            v = getattr(template, f)[k]
            out[f].append(tuple(v) if f == "offsets" else v)
    return out


def _fields(e: Any) -> dict[str, list[Any]]:
    return {f: [tuple(o) for o in e.offsets] if f == "offsets" else list(getattr(e, f)) for f in FIELDS}


@pytest.mark.parametrize("name", NAMES)
def test_pretokenized_matches_hf(backend, name):
    inputs = _inputs()
    pairs = [inputs[(i + 7) % len(inputs)] for i in range(len(inputs))]
    words = sorted({w for ws in inputs for w in ws})
    per_word, single, pair, x, y = _oracle(name, words)
    tok = tk.Tokenizer.from_file(material.tokenizer_json(name))
    plain = tok.encode_batch(inputs, is_pretokenized=True, add_special_tokens=False)
    with_specials = tok.encode_batch(inputs, is_pretokenized=True)
    both = tok.encode_batch(list(zip(inputs, pairs)), is_pretokenized=True)
    for i, ws in enumerate(inputs):
        body = _body(per_word, ws, 0, 0)
        assert _fields(plain[i]) == body, f"{name}: input {i} without special tokens"
        assert _fields(tok.encode(tuple(ws), is_pretokenized=True, add_special_tokens=False)) == body, f"{name}: {i}"
        assert _fields(with_specials[i]) == _around(single, [(x, body)]), f"{name}: input {i}"
        y_type = pair.type_ids[pair.ids.index(y.ids[0], pair.ids.index(x.ids[0]) + len(x.ids))]
        want = _around(pair, [(x, body), (y, _body(per_word, pairs[i], y_type, 1))])
        assert _fields(both[i]) == want, f"{name}: pair {i}"
        assert both[i].n_sequences == 2 and with_specials[i].n_sequences == 1


@pytest.mark.parametrize("name", ["all-MiniLM-L6-v2", "llama3"])
def test_pretokenized_truncation_and_padding_as_for_text(backend, name):
    # Truncation and padding act on the joined encoding as on text: the same windows and pads as those of a text
    # whose tokens are the same (checked through the ids, which is what they cut and pad).
    tok = tk.Tokenizer.from_file(material.tokenizer_json(name))
    inputs = [ws for ws in _inputs() if ws][:60]
    full = tok.encode_batch(inputs, is_pretokenized=True, add_special_tokens=False)
    tok.enable_truncation(12, stride=3)
    cut = tok.encode_batch(inputs, is_pretokenized=True, add_special_tokens=False)
    longest = {w: len(tok.encode([w], is_pretokenized=True, add_special_tokens=False).ids) for ws in inputs for w in ws}
    checked = 0
    for ws, f, c in zip(inputs, full, cut):
        assert c.ids == f.ids[:12]
        # HF stops tokenizing a sequence (here: a word) once it has max_length tokens, dropping its later pieces
        # from the overflow too; with every word shorter than that, the windows cover everything.
        if max(longest[w] for w in ws) < 12:
            windows = [c] + list(c.overflowing)
            assert [i for w in windows for i in w.ids[3 if w is not c else 0:]] == f.ids
            assert [i for w in windows for i in w.word_ids[3 if w is not c else 0:]] == f.word_ids
            checked += 1
    assert checked > len(inputs) // 2
    tok.no_truncation()
    tok.enable_padding(pad_id=7, pad_to_multiple_of=8, direction="left")
    padded = tok.encode_batch(inputs, is_pretokenized=True, add_special_tokens=False)
    width = max(len(f.ids) for f in full)
    width += -width % 8
    for f, p in zip(full, padded):
        assert p.ids == [7] * (width - len(f.ids)) + f.ids
        assert p.attention_mask == [0] * (width - len(f.ids)) + [1] * len(f.ids)
        assert p.word_ids == [None] * (width - len(f.ids)) + f.word_ids


def test_pretokenized_mixed_batch_and_errors(backend):
    tok = tk.Tokenizer.from_file(material.tokenizer_json("all-MiniLM-L6-v2"))
    single = tok.encode_batch([["hello", "world"]], is_pretokenized=True)[0]
    pair = tok.encode_batch([(["hello"], ["world"])], is_pretokenized=True)[0]
    both = tok.encode_batch([["hello", "world"], (["hello"], ["world"]), ("hello", "world")], is_pretokenized=True)
    # ("hello", "world") is a tuple of str: one input of two words, as HF's binding reads it.
    assert [e.ids for e in both] == [single.ids, pair.ids, single.ids]
    assert [e.n_sequences for e in both] == [1, 2, 1]
    assert single.word_ids == [None, 0, 1, None]
    assert single.offsets == [(0, 0), (0, 5), (0, 5), (0, 0)]
    with pytest.raises(TypeError):
        tok.encode("hello world", is_pretokenized=True)
    with pytest.raises(TypeError):
        tok.encode(["hello", 3], is_pretokenized=True)
    with pytest.raises(TypeError):
        tok.encode_batch([["a"], 5], is_pretokenized=True)
    with pytest.raises(TypeError):
        tok.encode_batch([(["a"], ["b"], ["c"])], is_pretokenized=True)
    with pytest.raises(TypeError):
        tok.encode(["ok", "\ud800"], is_pretokenized=True)
