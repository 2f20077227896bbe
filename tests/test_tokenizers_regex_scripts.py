"""Unicode script properties in tokenizer.json regexes (\\p{Han}, \\p{Hiragana}, \\P{Latin}, \\p{^Greek}, inside
and outside classes), which Oniguruma reads and .NET Regex does not, against Hugging Face tokenizers 0.23.2
(tests/support/hf_oracle.py): a Split pre-tokenizer with the pattern over a one-token WordLevel model, so every
piece becomes [UNK] and the offsets show exactly where the regex cut."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import aotml
import aotml.tokenizers as tk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from support import hf_oracle  # noqa: E402
from support.corpora import lines, multilingual  # noqa: E402

PATTERNS = [
    r"\p{Han}+|\p{Hiragana}+|\p{Katakana}+|\p{Hangul}+|\p{Latin}+|\p{Greek}+|\p{Cyrillic}+|\p{Arabic}+",
    r"[\p{Han}\p{Hiragana}ー]+",
    r"\P{Latin}+",
    r"[^\p{Latin}\s]+",
    r"[\P{Han}]+",
    r"\p{^Han}+",
    r"\p{han}+|\p{KATAKANA}+|\p{hira gana}+|\p{Old_Italic}+",
    r"\p{Thai}+|\p{Devanagari}+|\p{Hebrew}+|\p{Common}+|\p{Inherited}+",
    r"(?:\p{Latin}|\p{N})++",
]
TEXTS = ["漢字かなカナ한국어Latinελληνικάрусский عربي 123 ﾊﾝｶｸ", "東京タワーは高い。Tōkyō!", "ไทย हिन्दी עברית",
         "e\u0301 à la carte — ½ ①", ""]


@pytest.fixture(scope="module", autouse=True)
def _oracle_available() -> None:
    missing = hf_oracle.available()
    if missing:
        pytest.skip(f"HF oracle unavailable: {missing}")


def _doc(pattern: str, behavior: str = "Isolated") -> str:
    return json.dumps({
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
        "pre_tokenizer": {"type": "Split", "pattern": {"Regex": pattern}, "behavior": behavior, "invert": False},
        "post_processor": None, "decoder": None,
        "model": {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"}}, ensure_ascii=False)


_REPLIES: dict[str, list[hf_oracle.OracleEncoding]] = {}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_script_properties_match_hf(backend, pattern):
    langs = multilingual(3_000)
    texts = TEXTS + [t for lang in sorted(langs) for t in lines(langs[lang], 3)]
    for behavior in ("Isolated", "Removed"):
        doc = _doc(pattern, behavior)
        if doc not in _REPLIES:
            _REPLIES[doc] = hf_oracle.HfOracle.from_str(doc).encode_batch(texts)
        want = _REPLIES[doc]
        got = tk.Tokenizer.from_str(doc).encode_batch(texts)
        for i, (a, b) in enumerate(zip(got, want)):
            assert [tuple(o) for o in a.offsets] == [tuple(o) for o in b.offsets], f"{pattern} {behavior}: text {i}"
            assert a.ids == b.ids


def test_unknown_property_is_a_config_error(backend):
    with pytest.raises(aotml.TokenizerConfigError, match=r"NoSuchScript"):
        tk.Tokenizer.from_str(_doc(r"\p{NoSuchScript}+"))
