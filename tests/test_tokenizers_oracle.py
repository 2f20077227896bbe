"""aotml.tokenizers against Hugging Face tokenizers 0.23.2 (the npm binding of its Rust core, tests/support/hf_oracle.py)
on the real tokenizer.json files (tools/material.py): every field of every encoding over corpus lines, pairs,
truncation and padding variants, overflowing parts, decode round trips, vocabularies and the saved JSON."""
from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

import aotml.tokenizers as tk
from aotml.tokenizers import decoders, normalizers, pre_tokenizers, processors

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402
from support import hf_oracle  # noqa: E402
from support.corpora import english_prose, lines, multilingual, source_code  # noqa: E402

NAMES = ["all-MiniLM-L6-v2", "llama3", "llama2", "deepseek_v3"]
FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids", "sequence_ids",
          "n_sequences")


@pytest.fixture(scope="module", autouse=True)
def _oracle_available() -> None:
    missing = hf_oracle.available()
    if missing:
        pytest.skip(f"HF oracle unavailable: {missing}")


@pytest.fixture(scope="module")
def corpus_lines() -> dict[str, list[str]]:
    langs = multilingual(40_000)
    out = {"english": lines(english_prose(60_000), 300), "code": lines(source_code(60_000), 300)}
    out["multilingual"] = [t for lang in sorted(langs) for t in lines(langs[lang], 80)]
    return out


def _path(name: str) -> Path:
    return material.tokenizer_json(name)


# Oracle replies by tokenizer and request: both backends ask the same questions, and node loading a large
# tokenizer.json costs seconds, so each request reaches the oracle once per session.
_REPLIES: dict[tuple[str, str], list[Any]] = {}


class _CachedOracle(hf_oracle.HfOracle):
    def run(self, ops: list[dict[str, Any]]) -> list[Any]:
        key = (json.dumps(self._source), json.dumps(ops, sort_keys=True))
        if key not in _REPLIES:
            _REPLIES[key] = super().run(ops)
        return _REPLIES[key]


def _oracle(name: str) -> hf_oracle.HfOracle:
    return _CachedOracle(_path(name))


def assert_same(ours: list[Any], theirs: list[Any], where: str) -> None:
    assert len(ours) == len(theirs), where
    for i, (a, b) in enumerate(zip(ours, theirs)):
        for f in FIELDS:
            got, want = getattr(a, f), getattr(b, f)
            if f == "offsets":
                got = [tuple(x) for x in got]
                want = [tuple(x) for x in want]
            assert got == want, f"{where}: input {i}, field {f}"
        assert len(a.overflowing) == len(b.overflowing), f"{where}: input {i}, overflowing count"
        assert_same(a.overflowing, b.overflowing, f"{where}: input {i} overflowing")


def _configure(tok: tk.Tokenizer, truncation: dict[str, Any] | None, padding: dict[str, Any] | None) -> None:
    if truncation:
        tok.enable_truncation(**truncation)
    else:
        tok.no_truncation()
    if padding is not None:
        tok.enable_padding(**padding)
    else:
        tok.no_padding()


CORPORA = ["english", "code", "multilingual"]


def _corpus_ops(texts: list[str]) -> list[dict[str, Any]]:
    op = hf_oracle.HfOracle.encode_op
    return [op(texts), op(texts, add_special_tokens=False), op(texts[0::2][:100], texts[1::2][:100])]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_lines_match_hf(backend, name, corpus, corpus_lines):
    texts = corpus_lines[corpus]
    tok = tk.Tokenizer.from_file(_path(name))
    oracle = _oracle(name)
    # Every corpus in one oracle run per tokenizer (loading it is the oracle's slow part).
    replies = oracle.run([op for c in CORPORA for op in _corpus_ops(corpus_lines[c])])
    r = replies[3 * CORPORA.index(corpus):][:3]
    assert_same(tok.encode_batch(texts), oracle.encodings(r[0]), f"{name}/{corpus}")
    assert_same(tok.encode_batch(texts, add_special_tokens=False), oracle.encodings(r[1]), f"{name}/{corpus} no specials")
    pairs = list(zip(texts[0::2][:100], texts[1::2][:100]))
    assert_same(tok.encode_batch(pairs), oracle.encodings(r[2]), f"{name}/{corpus} pairs")
    assert_same([tok.encode(t) for t in texts[:20]], oracle.encodings(r[0])[:20], f"{name}/{corpus} encode")
    # The ragged ids extra (no offsets computed) against the same replies, on one and two threads.
    for got, reply in ((tok.encode_batch_ids(texts, num_threads=1), r[0]),
                       (tok.encode_batch_ids(texts, add_special_tokens=False, num_threads=2), r[1]),
                       (tok.encode_batch_ids(pairs), r[2])):
        ids, starts = got
        want = [w.ids for w in oracle.encodings(reply)]
        assert [ids[a:b].tolist() for a, b in zip(starts[:-1], starts[1:])] == want, f"{name}/{corpus} ragged ids"


TRUNCATIONS = [
    {"max_length": 16},
    {"max_length": 12, "stride": 3},
    # No stride with only_first: a long second sequence leaves the first a window shorter than any stride, where HF
    # panics (and the panic aborts the oracle's process).
    {"max_length": 20, "strategy": "only_first"},
    {"max_length": 20, "strategy": "only_second"},
    {"max_length": 9, "stride": 1, "direction": "left"},
]
PADDINGS = [
    None,
    {},
    {"length": 40},
    {"pad_to_multiple_of": 8, "direction": "left", "pad_id": 3, "pad_type_id": 1, "pad_token": "<pad>"},
]


@pytest.mark.parametrize("name", NAMES)
def test_truncation_and_padding_variants_match_hf(backend, name, corpus_lines):
    texts = [t for t in corpus_lines["english"] if len(t) > 40][:40]
    firsts, seconds = texts[0::2], texts[1::2]
    tok = tk.Tokenizer.from_file(_path(name))
    oracle = _oracle(name)
    cases = []
    ops = []
    for trunc in TRUNCATIONS:
        for pad in PADDINGS:
            pairs_ok = trunc.get("strategy") != "only_second"
            if pairs_ok:
                ops.append(oracle.encode_op(texts, truncation={"stride": 0, **trunc}, padding=pad))
                cases.append((trunc, pad, False))
            ops.append(oracle.encode_op(firsts, seconds, truncation={"stride": 0, **trunc}, padding=pad))
            cases.append((trunc, pad, True))
    results = oracle.run(ops)
    for (trunc, pad, paired), r in zip(cases, results):
        _configure(tok, trunc, pad)
        inputs = list(zip(firsts, seconds)) if paired else texts
        want = oracle.encodings(r, errors="return")
        if any(isinstance(w, hf_oracle.HfOracleError) for w in want):
            with pytest.raises(Exception):
                tok.encode_batch(inputs)
            continue
        assert_same(tok.encode_batch(inputs), want, f"{name} truncation={trunc} padding={pad} pairs={paired}")


@pytest.mark.parametrize("name", NAMES)
def test_numpy_matrices_match_hf_padded_batch(backend, name, corpus_lines):
    np = pytest.importorskip("numpy")
    texts = corpus_lines["multilingual"][:64]
    tok = tk.Tokenizer.from_file(_path(name))
    tok.enable_truncation(64)
    want = _oracle(name).encode_batch(texts, truncation={"max_length": 64, "stride": 0}, padding={})
    m = tok.encode_batch_to_numpy(texts)
    assert m["input_ids"].tolist() == [w.ids for w in want]
    assert m["attention_mask"].tolist() == [w.attention_mask for w in want]
    assert m["token_type_ids"].tolist() == [w.type_ids for w in want]
    assert m["input_ids"].dtype == np.int64


@pytest.mark.parametrize("name", NAMES)
def test_decode_matches_hf(backend, name, corpus_lines):
    texts = corpus_lines["english"][:50] + corpus_lines["multilingual"][:50]
    tok = tk.Tokenizer.from_file(_path(name))
    oracle = _oracle(name)
    ids = [e.ids for e in tok.encode_batch(texts)]
    r = oracle.run([{"op": "decode", "ids": ids, "skip_special_tokens": True},
                    {"op": "decode", "ids": ids, "skip_special_tokens": False}])
    assert tok.decode_batch(ids) == r[0]["texts"]
    assert tok.decode_batch(ids, skip_special_tokens=False) == r[1]["texts"]
    assert [tok.decode(i) for i in ids[:10]] == r[0]["texts"][:10]


@pytest.mark.parametrize("name", NAMES)
def test_vocabulary_and_saved_json_match_hf(backend, name):
    tok = tk.Tokenizer.from_file(_path(name))
    oracle = _oracle(name)
    r = oracle.run([{"op": "vocab", "with_added_tokens": True}, {"op": "vocab", "with_added_tokens": False},
                    {"op": "save"}])
    assert tok.get_vocab() == r[0]["vocab"]
    assert tok.get_vocab(with_added_tokens=False) == r[1]["vocab"]
    assert tok.get_vocab_size() == len(r[0]["vocab"])
    assert json.loads(tok.to_str()) == json.loads(r[2]["json"])


@pytest.mark.parametrize("name", NAMES)
def test_pickled_tokenizer_encodes_the_same(backend, name, corpus_lines):
    tok = tk.Tokenizer.from_file(_path(name))
    tok.enable_truncation(32, stride=4)
    tok.enable_padding(pad_to_multiple_of=16)
    clone = pickle.loads(pickle.dumps(tok))
    texts = corpus_lines["code"][:50]
    assert_same(clone.encode_batch(texts), tok.encode_batch(texts), f"{name} pickled")


def test_component_objects_build_json_hf_accepts_unchanged(backend):
    """HF loads the JSON our component classes write and saves it back identically: they write HF's objects."""
    tok = tk.Tokenizer.from_file(material.minilm().tokenizer_json)
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace("``", '"'),
                                           normalizers.Strip(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Digits(True),
                                                 pre_tokenizers.Punctuation("isolated")])
    tok.post_processor = processors.TemplateProcessing("[CLS] $A [SEP]", "[CLS] $A [SEP] $B:1 [SEP]:1",
                                                       [("[CLS]", 101), ("[SEP]", 102)])
    tok.decoder = decoders.WordPiece(cleanup=False)
    ours = json.loads(tok.to_str())
    oracle = hf_oracle.HfOracle.from_str(tok.to_str())
    saved = json.loads(oracle.saved_json())
    for key in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
        assert ours[key] == saved[key], key
    texts = ["Héllo  ``World`` 2024!", "a b 12"]
    assert_same(tok.encode_batch(texts), oracle.encode_batch(texts), "components")


# Code points whose general category changed since the Unicode versions HF's tables were built from (8.0 for
# punctuation and BERT's marks, 9.0 for StripAccents): HF still classifies them the old way.
CHANGED_CATEGORY = "\u166d \u111c9 \u1734 \u1885 \u1886 \ua9bd \u1cf2 \u1cf3".split()


def test_characters_whose_category_changed_since_unicode_8_match_hf(backend):
    texts = [f"a{c}a" for c in CHANGED_CATEGORY] + [f"x {c} {c}{c}y" for c in CHANGED_CATEGORY]
    doc = json.loads(Path(material.minilm().tokenizer_json).read_text(encoding="utf-8"))
    strip = dict(doc, normalizer={"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}]})
    for variant in (doc, strip):
        text = json.dumps(variant)
        want = _CachedOracle.from_str(text).encode_batch(texts)
        assert_same(tk.Tokenizer.from_str(text).encode_batch(texts), want, f"normalizer {variant['normalizer']['type']}")
