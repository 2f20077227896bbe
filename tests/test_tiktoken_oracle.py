"""Differential tests: aotml's ids must equal npm tiktoken@1.0.22's (openai's Rust core compiled to WASM) on real
text, generated strings, pathological input and every special-token policy, on both backends."""
from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aotml.tiktoken as tiktoken
from support.corpora import english_prose, manpages, source_code
from tiktoken_oracle import Oracle

ALL = ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"]
# One encoding per distinct split pattern (gpt2/r50k/p50k share theirs), for the costlier tests.
PATTERNS = ["r50k_base", "cl100k_base", "o200k_base"]


@pytest.fixture(scope="session")
def oracle(npm_modules: Path):
    if not (npm_modules / "tiktoken" / "package.json").exists():
        pytest.skip(f"npm tiktoken is not installed under {npm_modules}: run `python3 build.py test`")
    o = Oracle(npm_modules)
    yield o
    o.close()


@pytest.fixture(scope="session")
def corpora() -> dict[str, list[str]]:
    c = {
        "prose": english_prose(1_000_000),
        "code": source_code(1_000_000),
        **{f"man-{lang}": manpages(lang, 400_000) for lang in ("de", "fr", "ja", "ru", "zh_CN")},
    }
    missing = [k for k, v in c.items() if not v]
    if missing:
        pytest.skip(f"no text on this machine for {missing} (manpages-de/-fr/-ja/-ru/-zh are Debian packages)")
    return c


def first_difference(a: list[int], b: list[int]) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"first difference at token {i}: aotml {a[i:i + 8]} tiktoken {b[i:i + 8]}"


def assert_same(enc: tiktoken.Encoding, oracle: Oracle, texts: list[str]) -> None:
    expected = oracle.ask(enc.name, texts, ordinary=True)
    got = enc.encode_ordinary_batch(texts, num_threads=2)
    for i, (text, g, e) in enumerate(zip(texts, got, expected)):
        assert g == e, f"text {i} ({text[:60]!r}...): {first_difference(g, e)}"


# ---- real text -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("corpus", ["prose", "code", "man-de", "man-fr", "man-ja", "man-ru", "man-zh_CN"])
@pytest.mark.parametrize("name", ALL)
def test_real_text(backend, oracle, corpora, name, corpus):
    enc = tiktoken.get_encoding(name)
    texts = corpora[corpus]
    assert_same(enc, oracle, texts)
    # The single-text path and the batch path agree.
    assert enc.encode_ordinary(texts[0]) == oracle.encode_ordinary(name, texts[0])


def test_corpora_are_several_megabytes(corpora):
    total = sum(len(t.encode()) for texts in corpora.values() for t in texts)
    assert total > 3_000_000, total


# ---- every code point, in the contexts the patterns distinguish --------------------------------------------------------
def code_point_texts() -> list[str]:
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and (c < 0x40000 or c >= 0xE0000 or c % 97 == 0)]
    texts = []
    for i in range(0, len(cps), 2048):
        parts = []
        for c in cps[i:i + 2048]:
            ch = chr(c)
            # Prefix before letters, runs, after a letter and a digit, after an apostrophe, before a newline.
            parts.append(f" {ch}a{ch}{ch}A1{ch}'{ch}s {ch}\n")
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("name", PATTERNS)
def test_every_code_point(backend, oracle, name):
    assert_same(tiktoken.get_encoding(name), oracle, code_point_texts())


# ---- generated strings -------------------------------------------------------------------------------------------------
FRAGMENTS = [
    "'s", "'S", "'t", "'T", "'re", "'RE", "'rE", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D", "'ſ",
    "'", "''", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n", " \n", "\n ", "\u3000", "\u00a0", "\u2028",
    "\u0085", "\x0b", "\x0c", "1", "12", "123", "1234", "٣", "Ⅻ", "½", "²", "a", "A", "é", "e\u0301", "ǅ", "ʰ", "中",
    "日本", "ß", "İ", "ﬁ", "ÀÉÎ", "ῼ", "Σσς", "👍", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "\u200d", "\ufe0f",
    "!", "?!", "...", "/", "//", "\\", "<|endoftext|>", "<|", "|>", "\"", "$", "€", "\u0300", "\u0903", "\u20dd",
    "x", "hello", " world", "HTTPServer", "camelCase", "CONST_NAME", "don't", "I'M", "𝐀𝐁", "𝑥", "\U00020000",
    "\U000e0041", "\U0010fffd", "ﷺ", "ـ", "ـــ", "\u0600", "\ufeff", "\x00", "\x7f", "०१२", "๑",
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.characters(blacklist_categories=("Cs",)), max_size=40).map("".join)
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("name", PATTERNS)
@SETTINGS
@given(text=fragment_text | any_text)
def test_generated_strings(backend, oracle, name, text):
    enc = tiktoken.get_encoding(name)
    ids = enc.encode_ordinary(text)
    assert ids == oracle.encode_ordinary(name, text)
    assert enc.decode(ids) == text
    assert enc.decode_bytes(ids) == text.encode("utf-8")


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
@SETTINGS
@given(text=st.lists(st.sampled_from(FRAGMENTS) | st.just("\ud800") | st.just("\udfff") | st.just("\ud83d"),
                     max_size=20).map("".join))
def test_lone_surrogates_become_replacement_characters(backend, oracle, name, text):
    enc = tiktoken.get_encoding(name)
    fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    assert enc.encode_ordinary(text) == oracle.encode_ordinary(name, text) == enc.encode_ordinary(fixed)


# ---- pathological input ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base", "r50k_base"])
@pytest.mark.parametrize("char", ["a", " ", "!", "\n", "日", "1", "é"])
def test_long_runs_of_one_character(backend, oracle, name, char):
    # tiktoken's merge is quadratic, so the oracle gets 20,000 characters; aotml's own 1 MB run is below.
    enc = tiktoken.get_encoding(name)
    text = char * 20_000
    assert enc.encode_ordinary(text) == oracle.encode_ordinary(name, text)


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_random_base64_megabyte(backend, oracle, name):
    rnd = random.Random(4)
    alphabet = string.ascii_letters + string.digits + "+/"
    text = "".join(rnd.choices(alphabet, k=1_000_000))
    assert_same(tiktoken.get_encoding(name), oracle, [text])


def test_hundred_thousand_character_word(backend, oracle):
    rnd = random.Random(5)
    word = "".join(rnd.choices(string.ascii_lowercase, k=100_000))
    assert_same(tiktoken.get_encoding("cl100k_base"), oracle, [word])


@pytest.mark.parametrize("char", ["a", " ", "!", "日"])
def test_megabyte_of_one_character_round_trips(backend, char):
    enc = tiktoken.get_encoding("o200k_base")
    text = char * (1_000_000 // len(char.encode()))
    ids = enc.encode_ordinary(text)
    assert enc.decode(ids) == text
    # Periodic input merges periodically: the ids of a 1 MB run continue those of a shorter run.
    head = enc.encode_ordinary(char * 4096)
    assert ids[: len(head) // 2] == head[: len(head) // 2]


# ---- special tokens in every allowed/disallowed combination ---------------------------------------------------------
SPECIAL_TEXTS = [
    "<|endoftext|>", "a<|endoftext|>b", "<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z<|endofprompt|>",
    "<|endoftext|><|endoftext|>", "<|endoftext", "<|<|endoftext|>|>", "no specials here", "",
    "text <|endofprompt|> more <|endoftext|>",
]
ALLOWED = ["all", set(), {"<|endoftext|>"}, {"<|fim_prefix|>", "<|fim_suffix|>"}, {"<|endofprompt|>", "<|endoftext|>"}]
DISALLOWED = ["all", (), {"<|endoftext|>"}, {"<|fim_middle|>"}]


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base", "p50k_edit", "gpt2"])
@pytest.mark.parametrize("allowed", ALLOWED, ids=lambda a: str(sorted(a)) if a != "all" else "all")
@pytest.mark.parametrize("disallowed", DISALLOWED, ids=lambda d: str(sorted(d)) if d != "all" else "all")
def test_special_token_policies(backend, oracle, name, allowed, disallowed):
    enc = tiktoken.get_encoding(name)
    known = enc.special_tokens_set
    allowed = allowed if allowed == "all" else {t for t in allowed if t in known}
    disallowed = disallowed if disallowed == "all" else {t for t in disallowed if t in known}
    expected = oracle.ask(name, SPECIAL_TEXTS, allowed_special=allowed, disallowed_special=disallowed)
    for text, exp in zip(SPECIAL_TEXTS, expected):
        if isinstance(exp, dict):
            with pytest.raises(ValueError, match="disallowed special token"):
                enc.encode(text, allowed_special=allowed, disallowed_special=disallowed)
            with pytest.raises(ValueError, match="disallowed special token"):
                enc.encode_batch(["ok", text], allowed_special=allowed, disallowed_special=disallowed)
        else:
            assert enc.encode(text, allowed_special=allowed, disallowed_special=disallowed) == exp, text
            assert enc.count_tokens(text, allowed_special=allowed, disallowed_special=disallowed) == len(exp)
            assert enc.encode_batch([text], allowed_special=allowed, disallowed_special=disallowed) == [exp]
            assert enc.encode_to_numpy(text, allowed_special=allowed,
                                       disallowed_special=disallowed).tolist() == exp


# ---- tiktoken 0.14: o200k_harmony and the pattern spellings it ships ---------------------------------------------------
CL100K_014 = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
              r"""\s*[\r\n]|\s+(?!\S)|\s""")
R50K_014 = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
SPELLINGS = {"cl100k_base": CL100K_014, "r50k_base": R50K_014}


def respelled(name: str) -> tiktoken.Encoding:
    base = tiktoken.get_encoding(name)
    return tiktoken.Encoding(f"{name}-0.14", pat_str=SPELLINGS[name], mergeable_ranks=base._mergeable_ranks,
                             special_tokens=base._special_tokens)


def assert_same_custom(enc: tiktoken.Encoding, oracle: Oracle, base: str, texts: list[str], **ask) -> None:
    custom = {"base": base, "pat_str": enc._pat_str, "special_tokens": enc._special_tokens}
    expected = oracle.ask(enc.name, texts, custom=custom, **ask)
    got = enc.encode_ordinary_batch(texts, num_threads=2) if ask.get("ordinary") else \
        [enc.encode(t, allowed_special="all") for t in texts]
    for i, (text, g, e) in enumerate(zip(texts, got, expected)):
        assert g == e, f"text {i} ({text[:60]!r}...): {first_difference(g, e)}"


@pytest.mark.parametrize("corpus", ["prose", "code", "man-ja", "man-ru"])
@pytest.mark.parametrize("name", ["cl100k_base", "r50k_base"])
def test_tiktoken_014_spelling_on_the_scanner_matches_tiktoken(backend, oracle, corpora, name, corpus):
    # tiktoken 0.14's possessive spelling, run by tiktoken's core (fancy-regex) in the oracle.
    assert_same_custom(respelled(name), oracle, name, corpora[corpus], ordinary=True)


@pytest.mark.parametrize("name", ["cl100k_base", "r50k_base"])
@SETTINGS
@given(text=fragment_text | any_text)
def test_tiktoken_014_spelling_generated(backend, oracle, name, text):
    # Trailing whitespace with newlines is where cl100k's `\s++$` splits differently from the first spelling.
    enc = respelled(name)
    texts = [text, text + "  \n \t", text + "\n\n  "]
    assert_same_custom(enc, oracle, name, texts, ordinary=True)


@pytest.mark.parametrize("corpus", ["prose", "code", "man-zh_CN"])
def test_o200k_harmony_matches_tiktoken(backend, oracle, corpora, corpus):
    enc = tiktoken.get_encoding("o200k_harmony")
    chat = "<|start|>user<|message|>What is 2+2?<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>"
    texts = [chat, "<|endofprompt|><|reserved_200018|><|reserved_201087|><|call|>"] + corpora[corpus][:20]
    assert_same_custom(enc, oracle, "o200k_base", texts, allowed_special="all")
    assert_same_custom(enc, oracle, "o200k_base", corpora[corpus], ordinary=True)
