"""aotml.tokenizers' Python surface on both backends: loading, encoding fields, alignment helpers, truncation and
padding settings, numpy matrices, decoding, vocabulary, added tokens, components, pickling and errors.

Expected values are BERT's (the all-MiniLM-L6-v2 tokenizer.json, uncased WordPiece with [CLS]/[SEP]); the exactness
against Hugging Face over real text is tests/test_tokenizers_oracle.py."""
from __future__ import annotations

import copy
import gc
import json
import pickle
import sys
import unicodedata
from pathlib import Path

import pytest

import aotml
import aotml.tokenizers as tk
from aotml.tokenizers import decoders, models, normalizers, pre_tokenizers, processors

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402


@pytest.fixture(scope="module")
def bert_path() -> Path:
    return material.minilm().tokenizer_json


@pytest.fixture
def bert(backend, bert_path) -> tk.Tokenizer:
    return tk.Tokenizer.from_file(bert_path)


def test_version_is_the_followed_tokenizers_release():
    assert tk.__version__ == "0.23.2"


def test_loading_from_file_str_and_buffer_agree(backend, bert_path):
    a = tk.Tokenizer.from_file(bert_path)
    b = tk.Tokenizer.from_str(bert_path.read_text(encoding="utf-8"))
    c = tk.Tokenizer.from_buffer(bert_path.read_bytes())
    text = "Hello, world! Tokenizers are fun."
    assert a.encode(text).ids == b.encode(text).ids == c.encode(text).ids
    assert a.to_str() == b.to_str() == c.to_str()
    assert json.loads(a.to_str())["model"]["type"] == "WordPiece"
    assert tk.Tokenizer.from_str(a.to_str()).to_str() == a.to_str()


def test_encode_fields_of_a_single_sequence(bert):
    e = bert.encode("Hello, world!")
    assert e.ids == [101, 7592, 1010, 2088, 999, 102]
    assert e.tokens == ["[CLS]", "hello", ",", "world", "!", "[SEP]"]
    assert e.offsets == [(0, 0), (0, 5), (5, 6), (7, 12), (12, 13), (0, 0)]
    assert e.type_ids == [0] * 6
    assert e.attention_mask == [1] * 6
    assert e.special_tokens_mask == [1, 0, 0, 0, 0, 1]
    assert e.word_ids == [None, 0, 1, 2, 3, None]
    assert e.sequence_ids == [None, 0, 0, 0, 0, None]
    assert e.n_sequences == 1 and len(e) == 6 and e.overflowing == []
    assert bert.encode("Hello, world!", add_special_tokens=False).ids == [7592, 1010, 2088, 999]


def test_offsets_are_code_points_of_the_input(bert):
    text = "Héllo wörld 日本"
    e = bert.encode(text, add_special_tokens=False)
    assert e.tokens == ["hello", "world", "日", "本"]
    assert e.offsets == [(0, 5), (6, 11), (12, 13), (13, 14)]
    assert [text[s:t] for s, t in e.offsets] == ["Héllo", "wörld", "日", "本"]


def test_pair_fields(bert):
    e = bert.encode("The cat.", "A dog!")
    assert e.tokens == ["[CLS]", "the", "cat", ".", "[SEP]", "a", "dog", "!", "[SEP]"]
    assert e.type_ids == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert e.sequence_ids == [None, 0, 0, 0, None, 1, 1, 1, None]
    assert e.word_ids == [None, 0, 1, 2, None, 0, 1, 2, None]
    assert e.offsets[5:8] == [(0, 1), (2, 5), (5, 6)]
    assert e.n_sequences == 2
    batch = bert.encode_batch([("The cat.", "A dog!"), "The cat."])
    assert batch[0].ids == e.ids and batch[1].ids == bert.encode("The cat.").ids
    assert [b.n_sequences for b in batch] == [2, 1]


def test_alignment_helpers(bert):
    e = bert.encode("Hello, world!")
    assert e.char_to_token(0) == 1 and e.char_to_token(6) is None and e.char_to_token(8) == 3
    assert e.char_to_word(8) == 2 and e.char_to_word(6) is None
    # HF reports no characters for a token outside every sequence ([CLS] here), not its (0, 0) offsets.
    assert e.token_to_chars(3) == (7, 12) and e.token_to_chars(0) is None
    assert e.token_to_word(3) == 2 and e.token_to_word(0) is None
    assert e.token_to_sequence(1) == 0 and e.token_to_sequence(0) is None
    assert e.word_to_tokens(2) == (3, 4) and e.word_to_tokens(9) is None
    assert e.word_to_chars(2) == (7, 12)
    p = bert.encode("The cat.", "A dog!")
    assert p.char_to_token(2, sequence_index=1) == 6
    assert p.word_to_tokens(1, sequence_index=1) == (6, 7)
    assert p.token_to_sequence(6) == 1


def test_truncation_settings_travel_with_calls(bert):
    assert bert.truncation is None
    bert.enable_truncation(5, stride=1)
    assert bert.truncation == {"max_length": 5, "stride": 1, "strategy": "longest_first", "direction": "right"}
    e = bert.encode("one two three four five six seven")
    assert e.tokens == ["[CLS]", "one", "two", "three", "[SEP]"]
    # What HF 0.23.2 reports (checked against the oracle): one overflowing window here.
    assert [o.tokens for o in e.overflowing] == [["[CLS]", "three", "four", "five", "[SEP]"]]
    bert.no_truncation()
    assert bert.truncation is None and len(bert.encode("one two three four five six seven")) == 9
    with pytest.raises(ValueError, match="strategy"):
        bert.enable_truncation(5, strategy="sideways")
    with pytest.raises(ValueError, match="direction"):
        bert.enable_truncation(5, direction="up")


def test_padding_settings_travel_with_calls(bert):
    assert bert.padding is None
    bert.enable_padding(length=8)
    assert bert.padding == {"length": 8, "pad_to_multiple_of": None, "pad_id": 0, "pad_token": "[PAD]",
                            "pad_type_id": 0, "direction": "right"}
    e = bert.encode("Hello, world!")
    assert e.ids == [101, 7592, 1010, 2088, 999, 102, 0, 0]
    assert e.attention_mask == [1] * 6 + [0, 0] and e.tokens[-1] == "[PAD]"
    bert.enable_padding(direction="left", pad_to_multiple_of=4)
    batch = bert.encode_batch(["a", "a b c d e"])
    assert [len(b) for b in batch] == [8, 8]
    assert batch[0].attention_mask == [0] * 5 + [1] * 3
    bert.no_padding()
    assert [len(b) for b in bert.encode_batch(["a", "a b c d e"])] == [3, 7]


def test_encode_batch_ids_is_every_encodings_ids_end_to_end(bert):
    np = pytest.importorskip("numpy")
    texts = ["Hello, world!", "", "déjà vu 東京", ("The cat.", "A dog!"), "a b c d e f g h i j k l"]
    for kw in ({}, {"add_special_tokens": False}, {"num_threads": 2}):
        ids, starts = bert.encode_batch_ids(texts, **kw)
        want = [e.ids for e in bert.encode_batch(texts, add_special_tokens=kw.get("add_special_tokens", True))]
        assert ids.dtype == np.uint32 and starts.dtype == np.int64 and starts.tolist()[0] == 0
        assert [ids[a:b].tolist() for a, b in zip(starts[:-1], starts[1:])] == want
    bert.enable_truncation(6)
    bert.enable_padding(length=12)  # ragged rows are never padded; truncation applies, overflows are left out
    ids, starts = bert.encode_batch_ids(texts)
    bert.no_padding()
    want = [e.ids for e in bert.encode_batch(texts)]
    assert [ids[a:b].tolist() for a, b in zip(starts[:-1], starts[1:])] == want
    assert max(len(w) for w in want) == 6
    empty_ids, empty_starts = bert.encode_batch_ids([])
    assert empty_ids.tolist() == [] and empty_starts.tolist() == [0]
    with pytest.raises(TypeError):
        bert.encode_batch_ids("not a list")
    del bert
    gc.collect()
    assert ids[:3].tolist() == [101, 7592, 1010]  # the array keeps the engine memory alive


def test_encode_batch_compact_and_general_encodings_agree(bert):
    # A batch the fast path takes alone comes back in the compact block (near-constant columns derived in Python); an
    # added token in one text sends that text to the general path and the whole batch to the full block. Either way
    # every field is that of encode() of the text, and the collector's state is left as it was.
    plain = ["Hello, world!", "", "déjà vu 東京"] * 400
    mixed = plain + ["a [SEP] b"]
    fields = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids",
              "sequence_ids")
    for add in (True, False):
        for batch in (plain, mixed):
            was = gc.isenabled()
            gc.disable()
            try:
                out = bert.encode_batch(batch, add_special_tokens=add)
                assert not gc.isenabled()
            finally:
                if was:
                    gc.enable()
            out += bert.encode_batch(batch, add_special_tokens=add)[:3]
            for text, e in zip(batch + batch[:3], out):
                one = bert.encode(text, add_special_tokens=add)
                for f in fields:
                    assert getattr(e, f) == getattr(one, f), (text, f)
                assert pickle.loads(pickle.dumps(e)).type_ids == one.type_ids
    assert bert.encode("Hi there").special_tokens_mask == [1, 0, 0, 1]
    assert bert.encode("Hi there").sequence_ids == [None, 0, 0, None]


def test_encode_batch_to_numpy_is_the_padded_batch(bert):
    np = pytest.importorskip("numpy")
    texts = ["Hello, world!", "a", ("The cat.", "A dog!")]
    m = bert.encode_batch_to_numpy(texts)
    encs = bert.encode_batch(texts)
    width = max(len(e) for e in encs)
    assert set(m) == {"input_ids", "attention_mask", "token_type_ids"}
    for key, field in (("input_ids", "ids"), ("attention_mask", "attention_mask"), ("token_type_ids", "type_ids")):
        assert m[key].dtype == np.int64 and m[key].shape == (3, width)
        for row, e in zip(m[key].tolist(), encs):
            values = getattr(e, field)
            assert row == values + [0] * (width - len(values))
    ids = m["input_ids"]
    del bert, m
    gc.collect()
    assert ids[0, :3].tolist() == [101, 7592, 1010]  # the array keeps the engine memory alive


def test_decode(bert):
    ids = bert.encode("Hello, world! Tokenizers are fun.").ids
    assert bert.decode(ids) == "hello, world! tokenizers are fun."
    assert bert.decode(ids, skip_special_tokens=False) == "[CLS] hello, world! tokenizers are fun. [SEP]"
    assert bert.decode_batch([ids, [7592]]) == ["hello, world! tokenizers are fun.", "hello"]
    assert bert.decode([7592, 10**8, 2088]) == "hello world"   # unknown ids are skipped, as HF does
    with pytest.raises(OverflowError):
        bert.decode([-1])
    with pytest.raises(TypeError):
        bert.decode(["hello"])


def test_vocabulary(bert):
    vocab = bert.get_vocab()
    assert len(vocab) == bert.get_vocab_size() == 30522
    assert vocab["hello"] == bert.token_to_id("hello") == 7592
    assert bert.id_to_token(7592) == "hello" and bert.id_to_token(10**6) is None
    assert bert.token_to_id("not-a-token-at-all") is None
    assert bert.get_added_tokens_decoder()[101] == tk.AddedToken("[CLS]", special=True)


def test_added_tokens_make_a_new_native_tokenizer(bert):
    assert bert.add_tokens(["newword", tk.AddedToken("hello")]) == 2  # HF counts a token the model already has
    assert bert.add_special_tokens(["[SPECIAL]"]) == 1
    assert bert.get_vocab_size() == 30524 and bert.get_vocab_size(with_added_tokens=False) == 30522
    e = bert.encode("newword [SPECIAL] hello")
    assert e.tokens == ["[CLS]", "newword", "[SPECIAL]", "hello", "[SEP]"]
    assert e.ids[1:3] == [30522, 30523]
    assert bert.decode(e.ids) == "newword hello"
    added = bert.get_added_tokens_decoder()[30523]
    assert added.content == "[SPECIAL]" and added.special and not added.normalized


def test_added_token_defaults_and_repr():
    t = tk.AddedToken("<x>", special=True)
    assert (t.content, t.single_word, t.lstrip, t.rstrip, t.normalized, t.special) == ("<x>", False, False, False,
                                                                                       False, True)
    assert tk.AddedToken("y").normalized is True
    assert repr(t) == 'AddedToken("<x>", rstrip=False, lstrip=False, single_word=False, normalized=False, special=True)'
    assert pickle.loads(pickle.dumps(t)).__getstate__() == t.__getstate__()


def test_pickle_and_copy_by_content(bert):
    bert.enable_truncation(4)
    bert.enable_padding(length=6)
    bert.add_tokens(["zzzq"])
    for clone in (pickle.loads(pickle.dumps(bert)), copy.copy(bert), copy.deepcopy(bert)):
        assert clone.truncation == bert.truncation and clone.padding == bert.padding
        assert clone.encode("zzzq one two").ids == bert.encode("zzzq one two").ids
    saved = json.loads(bert.to_str())
    assert saved["truncation"] == {"direction": "Right", "max_length": 4, "strategy": "LongestFirst", "stride": 0}
    assert saved["padding"]["strategy"] == {"Fixed": 6}


def test_encodings_pickle_with_every_field(bert):
    # encode() of one short text and a truncated pair (overflows) take different Python paths; both must round-trip.
    fields = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids",
              "sequence_ids", "n_sequences")
    single = bert.encode("Hello there, my friend")
    bert.enable_truncation(5)
    pair = bert.encode("Hello there, my friend", "and you")
    for e in (single, pair):
        clone = pickle.loads(pickle.dumps(e))
        for f in fields:
            assert getattr(clone, f) == getattr(e, f), f
        assert [o.ids for o in clone.overflowing] == [o.ids for o in e.overflowing]
        assert clone.word_to_tokens(1) == e.word_to_tokens(1) and clone.char_to_token(2) == e.char_to_token(2)


def test_components_are_readable_and_settable(bert):
    assert isinstance(bert.normalizer, normalizers.BertNormalizer) and bert.normalizer.lowercase is True
    assert isinstance(bert.pre_tokenizer, pre_tokenizers.BertPreTokenizer)
    assert isinstance(bert.model, models.WordPiece) and bert.model.unk_token == "[UNK]"
    assert isinstance(bert.post_processor, processors.TemplateProcessing)
    assert isinstance(bert.decoder, decoders.WordPiece)
    bert.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase()])
    assert json.loads(bert.to_str())["normalizer"] == {"type": "Sequence", "normalizers": [
        {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]}
    assert bert.encode("Héllo").tokens == ["[CLS]", "hello", "[SEP]"]
    bert.post_processor = None
    assert bert.encode("Hello").tokens == ["hello"]
    bert.post_processor = processors.BertProcessing(("[SEP]", 102), ("[CLS]", 101))
    assert bert.encode("Hello").tokens == ["[CLS]", "hello", "[SEP]"]
    with pytest.raises(TypeError):
        bert.normalizer = pre_tokenizers.Whitespace()


def test_tokenizer_from_a_model_object(backend):
    t = tk.Tokenizer(models.WordLevel({"hello": 0, "world": 1, "[UNK]": 2}, unk_token="[UNK]"))
    t.pre_tokenizer = pre_tokenizers.Whitespace()
    assert t.encode("hello big world").ids == [0, 2, 1]
    assert t.get_vocab() == {"hello": 0, "world": 1, "[UNK]": 2}


def test_component_json_is_hf_shaped():
    assert pre_tokenizers.ByteLevel(add_prefix_space=False).to_json() == {
        "type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    assert pre_tokenizers.Split(tk.Regex(r"\d+"), "isolated").to_json() == {
        "type": "Split", "pattern": {"Regex": r"\d+"}, "behavior": "Isolated", "invert": False}
    assert processors.TemplateProcessing("[CLS] $A [SEP]", "[CLS] $A [SEP] $B:1 [SEP]:1",
                                         [("[CLS]", 1), ("[SEP]", 2)]).to_json()["pair"][3] == {
        "Sequence": {"id": "B", "type_id": 1}}
    assert decoders.Strip(" ", 1, 0).to_json() == {"type": "Strip", "content": " ", "start": 1, "stop": 0}
    with pytest.raises(ValueError):
        pre_tokenizers.Punctuation("sideways")


def test_errors(bert, backend):
    with pytest.raises(TypeError):
        bert.encode(b"bytes")
    with pytest.raises(TypeError):
        bert.encode("ok", 5)
    with pytest.raises(TypeError):
        bert.encode("lone \ud800 surrogate")
    # In a batch (the binding's UTF-8 check), plain or among non-ASCII texts, and in encode_batch_to_numpy.
    for batch in (["ok", "lone \ud800 surrogate"], ["héllo", "中文", "\udfff"]):
        with pytest.raises(TypeError, match="lone surrogate"):
            bert.encode_batch(batch)
        with pytest.raises(TypeError, match="lone surrogate"):
            bert.encode_batch_to_numpy(batch)
    assert bert.encode_batch(["héllo", "中文"])[1].ids == bert.encode("中文").ids
    with pytest.raises(TypeError):
        bert.encode_batch("not a list")
    with pytest.raises(aotml.TokenizerConfigError):
        tk.Tokenizer.from_str("{")
    with pytest.raises(aotml.TokenizerConfigError, match=r"\$\.model"):
        tk.Tokenizer.from_str('{"version": "1.0", "model": {"type": "WordPiece", "vocab": 5}}')
    with pytest.raises(ValueError):  # TokenizerConfigError is a ValueError, as code catching HF's errors expects
        tk.Tokenizer.from_str('{"model": {"type": "NoSuchModel"}}')


def _assigned(c: str) -> bool:
    return unicodedata.category(c) != "Cn" and not 0xD800 <= ord(c) <= 0xDFFF


def test_normalize_matches_unicodedata(backend):
    # Every code point Python's own tables know (Unicode 14 on 3.11): the engine's are 15.0, which only adds.
    chars = "".join(chr(c) for c in range(0x20, 0x30000) if _assigned(chr(c)))
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert aotml.normalize(form, chars) == unicodedata.normalize(form, chars)
        assert aotml.normalize(form, "abc") == "abc"
    with pytest.raises(ValueError, match="invalid normalization form"):
        aotml.normalize("NFX", "a")
    with pytest.raises(TypeError):
        aotml.normalize("NFC", b"a")
