"""Token strings of encode results: the engine sends only the ones that differ from the vocabulary entry of their
id (Unigram's unknown pieces, a pad token named apart from the vocabulary); the rest come from the id table."""
from __future__ import annotations

import aotml.tokenizers as tk
from aotml.tokenizers import models


def _unigram() -> tk.Tokenizer:
    return tk.Tokenizer(models.Unigram([("<unk>", 0.0), ("a", -1.0), ("b", -2.0), ("ab", -1.5)], unk_id=0))


def test_unknown_pieces_keep_their_text(backend):
    tok = _unigram()
    enc = tok.encode("abzb")
    assert tok.id_to_token(0) == "<unk>"
    assert enc.ids == [3, 0, 2]
    assert enc.tokens == ["ab", "z", "b"]
    assert enc.offsets == [(0, 2), (2, 3), (3, 4)]


def test_batch_mixes_vocabulary_and_exception_strings(backend):
    tok = _unigram()
    encs = tok.encode_batch(["zz", "ab", "bzy"])
    assert [e.tokens for e in encs] == [["zz"], ["ab"], ["b", "zy"]]
    assert [e.ids for e in encs] == [[0], [3], [2, 0]]


def test_pad_token_named_apart_from_the_vocabulary(backend):
    tok = _unigram()
    tok.enable_padding(pad_id=1, pad_token="[PAD]", length=4)
    enc = tok.encode("ab")
    assert enc.ids == [3, 1, 1, 1]
    assert enc.tokens == ["ab", "[PAD]", "[PAD]", "[PAD]"]
    assert enc.attention_mask == [1, 0, 0, 0]
