"""aotml.tokenizers.Tokenizer.from_sentencepiece: the trained models (tests/support/spm_models.py) as tokenizer.json
pipelines give the oracle's ids (python3-sentencepiece), and models without an equivalent are refused clearly."""
from __future__ import annotations

import pytest

import aotml.sentencepiece as spm
from aotml.tokenizers import Tokenizer
from support import spm_models

ref = pytest.importorskip("sentencepiece", reason="the oracle python3-sentencepiece is not installed")

from test_sentencepiece import TEXTS  # noqa: E402  the same texts as the processor's tests

# Models whose options have no tokenizer.json equivalent (see _from_sentencepiece.py's docstring), and why.
REFUSED = {
    "char": "char models", "char_identity": "char models", "word": "word models", "word_suffix": "word models",
    "unigram_suffix": "treat_whitespace_as_suffix", "bpe_suffix": "treat_whitespace_as_suffix",
    "unigram_symbols": "user-defined symbols", "bpe_symbols": "user-defined symbols",
}
MAPPED = [n for n in spm_models.MODELS if n not in REFUSED]


def _comparable(r, texts: list[str]) -> list[str]:
    # Two known divergences, so such texts are left out: a control piece's own text ("<s>") is plain text to
    # sentencepiece but a special token to tokenizer.json (as in HF's converted tokenizers); and tokenizer.json's
    # Precompiled normalizes by grapheme cluster, so "\r\n" (one cluster) becomes one space where sentencepiece
    # makes two (seen only when the model keeps extra whitespace).
    controls = [r.id_to_piece(i) for i in range(r.get_piece_size()) if r.is_control(i)]
    return [t for t in texts if not any(c in t for c in controls) and "\r\n" not in t]


def _tie(r, got: list[int], want: list[int]) -> bool:
    # sentencepiece rounds each path score to float, tokenizer.json's Unigram keeps doubles: two segmentations of
    # the same text whose scores tie after rounding may be chosen differently (runs of one character, mostly).
    unk = r.unk_id()
    if r.decode_ids(got) != r.decode_ids(want) or got.count(unk) != want.count(unk):
        return False
    a, b = sum(r.get_score(i) for i in got if i != unk), sum(r.get_score(i) for i in want if i != unk)
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


@pytest.mark.parametrize("name", MAPPED)
def test_same_ids_as_oracle(backend, name):
    path = str(spm_models.model_path(name))
    r = ref.SentencePieceProcessor(model_file=path)
    tok = Tokenizer.from_sentencepiece(path)
    texts = _comparable(r, TEXTS)
    got = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
    want = r.encode(texts)
    bad = [(t, g, w) for t, g, w in zip(texts, got, want) if g != w and not _tie(r, g, w)]
    assert not bad, f"{len(bad)} of {len(texts)} differ, first: {bad[0]}"
    # Decoding agrees wherever the oracle has no unknown piece (its unk_surface is not a token's text).
    unk = r.unk_id()
    plain = [w for w in want if unk not in w]
    assert tok.decode_batch(plain) == r.decode(plain)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_reason(backend, name):
    with pytest.raises(ValueError, match=REFUSED[name]):
        Tokenizer.from_sentencepiece(spm_models.model_path(name))


def test_accepts_processor_and_bytes(backend):
    path = spm_models.model_path("unigram")
    a = spm.SentencePieceProcessor(model_file=str(path))
    want = a.encode("Hello world")
    assert Tokenizer.from_sentencepiece(a).encode("Hello world", add_special_tokens=False).ids == want
    assert Tokenizer.from_sentencepiece(path.read_bytes()).encode("Hello world", add_special_tokens=False).ids == want
    with pytest.raises(TypeError, match="from_sentencepiece takes"):
        Tokenizer.from_sentencepiece(42)
