"""Writes oracle fixtures for the C# pipeline tests (csharp/Aotml.Core.Tests/Tokenization/PipelineOracleTests.cs):
hand-made tokenizer.json files (the four models, added tokens with every flag, WhitespaceSplit) encoded by HF
`tokenizers` (npm, through hf_oracle) with and without pairs, truncation (both directions, every strategy, strides)
and padding. Output: build/hf_fixtures/pipeline.json (not committed). Run: python3 tests/support/hf_pipeline_fixtures.py"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
from tests.support.hf_oracle import HfOracle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "build" / "hf_fixtures" / "pipeline.json"

WORDS = "the quick brown fox jumps over lazy dog dogs running unbelievable héllo 東京 naïve".split()


def bpe(**kw):
    chars = sorted({c for w in WORDS for c in w})
    vocab = {"<unk>": 0, "[CLS]": 1, "[SEP]": 2}
    for c in chars:
        vocab.setdefault(c, len(vocab))
    merges = []
    for w in WORDS:  # merge each word left to right
        cur = w[0]
        for c in w[1:]:
            if cur + c not in vocab:
                merges.append([cur, c])
                vocab[cur + c] = len(vocab)
            cur = cur + c
    m = {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
         "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
         "vocab": vocab, "merges": merges}
    m.update(kw)
    return m


def wordpiece():
    vocab = {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}
    for w in WORDS:
        vocab.setdefault(w[:3], len(vocab))
        for i in range(3, len(w)):
            vocab.setdefault("##" + w[i], len(vocab))
    return {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 8, "vocab": vocab}


def wordlevel():
    vocab = {"<unk>": 0, "[CLS]": 1, "[SEP]": 2}
    for w in WORDS[:10]:
        vocab.setdefault(w, len(vocab))
    return {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}


def unigram(byte_fallback=False):
    pieces = [["<unk>", 0.0], ["[CLS]", 0.0], ["[SEP]", 0.0]]
    seen = set()
    for i, w in enumerate(WORDS):
        for p in {w, w[:2], w[2:], w[:1], w[1:], *w}:
            if p and p not in seen and p not in "東":
                seen.add(p)
                pieces.append([p, -1.0 - len(p) * 0.1 - (hash(p) % 7) * 0.01])
    if byte_fallback:
        pieces += [[f"<0x{b:02X}>", -20.0] for b in range(256)]
    return {"type": "Unigram", "unk_id": 0, "vocab": pieces, "byte_fallback": byte_fallback}


ADDED = [
    {"id": 1, "content": "[CLS]", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
    {"id": 2, "content": "[SEP]", "single_word": False, "lstrip": True, "rstrip": True, "normalized": False, "special": True},
]
EXTRA_ADDED = [
    {"id": 1000, "content": "dog", "single_word": True, "lstrip": False, "rstrip": False, "normalized": True, "special": False},
    {"id": 1001, "content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False, "normalized": True, "special": True},
]

TEXTS = ["the quick brown fox", "  jumps over the lazy dog  ", "[CLS] dogs [SEP] running dog", "unbelievable héllo 東京 naïve",
         "thedog dog! <mask> the  <mask>x", "", "fox", "x y z unknown Ω words", "the quick brown fox jumps over the lazy dog " * 3]
PAIRS = ["lazy dog", "", "the quick brown fox jumps", "naïve 東京", "[SEP]", "a", "over the", "dog dog dog dog", "fox"]


def tokenizer(model, extra=False):
    added = [a for a in ADDED if a["content"] in model.get("vocab", {}) or model["type"] == "Unigram"]
    if extra:
        added = added + EXTRA_ADDED
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None, "model": model}


def main() -> None:
    models = {"bpe": bpe(), "bpe_fuse": bpe(fuse_unk=True), "bpe_noUnk": bpe(unk_token=None),
              "bpe_ignore": bpe(ignore_merges=True), "bpe_suffix": None, "wordpiece": wordpiece(),
              "wordlevel": wordlevel(), "unigram": unigram(), "unigram_bytes": unigram(True)}
    models.pop("bpe_suffix")
    cases = []
    truncs = [None, {"max_length": 5}, {"max_length": 4, "stride": 1, "direction": "left"},
              {"max_length": 6, "stride": 2, "strategy": "only_first"}, {"max_length": 7, "strategy": "only_second", "stride": 1},
              {"max_length": 0}]
    pads = [None, {"length": None, "pad_to_multiple_of": 4, "pad_id": 2, "pad_token": "[PAD]"},
            {"length": 12, "direction": "left", "pad_id": 1, "pad_type_id": 3, "pad_token": "<p>"}]
    for name, model in models.items():
        for extra in (False, True):
            tok = json.dumps(tokenizer(model, extra), ensure_ascii=False)
            oracle = HfOracle.from_str(tok)
            ops, meta = [], []
            for pairs in (None, PAIRS):
                # A stride at or above a pair's share of the length makes HF panic (and the oracle process abort).
                for tr in truncs if pairs is None else [t and {**t, "stride": 0} for t in truncs]:
                    for pad in pads:
                        ops.append(HfOracle.encode_op(TEXTS, pairs, True, tr, pad))
                        meta.append({"pairs": pairs, "truncation": tr, "padding": pad})
            results = oracle.run(ops)
            for m, r in zip(meta, results):
                encs = [e if "error" in e else e for e in r["encodings"]]
                cases.append({"name": f"{name}{'+added' if extra else ''}", "tokenizer": tok, "texts": TEXTS, **m,
                              "expected": encs})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
