"""tiktoken 0.14's surface and its refusals, on both backends: custom patterns cannot hang, malformed ranks are
refused with tiktoken's reasons, the model table, plugins, load helpers, batch decoding, the unstable-token API and
the private helpers tiktoken users reach for. Ids against the node oracle are in test_tiktoken_oracle.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import aotml.tiktoken as tiktoken
from aotml import EncodeError, TokenizerConfigError, _backend

ROOT = Path(__file__).resolve().parent.parent
BYTES = {bytes([i]): i for i in range(256)}
CL100K_014 = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
              r"""\s*[\r\n]|\s+(?!\S)|\s""")
# Every spelling tiktoken has shipped, per scanner (pattern kind in tiktoken_info: 0 gpt2, 1 cl100k, 4 cl100k 0.14).
SHIPPED = {
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""": 0,
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?[\p{L}]+| ?[\p{N}]+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""": 0,
    r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""": 0,
    r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s""": 0,
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""": 1,
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+""": 1,
    CL100K_014: 4,
}


def run_isolated(backend: str, code: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python"), "AOTML_BACKEND": backend}
    prelude = f"from aotml import _backend; _backend.select({backend!r})\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, timeout=timeout)


# ---- custom patterns cannot hang the process -----------------------------------------------------------------------
def test_catastrophic_pattern_raises_within_the_bound(backend):
    code = """
        import time, aotml.tiktoken as tiktoken
        enc = tiktoken.Encoding("r", pat_str=r"(a+)+$", mergeable_ranks={bytes([i]): i for i in range(256)},
                                special_tokens={})
        for call in (enc.encode, enc.encode_ordinary, lambda t: enc.encode_batch([t, t], num_threads=2)):
            t0 = time.monotonic()
            try:
                call("a" * 30 + "b")
            except ValueError as e:
                print(type(e).__name__, round(time.monotonic() - t0, 1), str(e).splitlines()[0])
            else:
                print("no error")
    """
    # A subprocess with a time limit: before the bound, this ran for hours and ignored Ctrl-C.
    out = run_isolated(backend, code, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3, out.stdout
    for line in lines:
        kind, seconds, message = line.split(" ", 2)
        assert kind == "EncodeError" and float(seconds) < 10, line
        assert "pat_str '(a+)+$' backtracks catastrophically" in message


def test_rust_dollar_is_the_end_of_text(backend):
    # .NET's `$` also matches before a final newline; Rust's (tiktoken's) does not.
    enc = tiktoken.Encoding("d", pat_str=r"a$|.|\n", mergeable_ranks=BYTES, special_tokens={})
    assert enc.encode("a\n") == [ord("a"), ord("\n")]
    assert enc.encode("xa") == [ord("x"), ord("a")]


# ---- refusals ------------------------------------------------------------------------------------------------------
def test_duplicate_ranks_are_refused(backend):
    ranks = {**BYTES, b"ab": 5}  # rank 5 is also b"\x05"'s: decode(encode("\x05")) would be "ab"
    with pytest.raises(TokenizerConfigError, match=r"rank 5 to two tokens, b'\\x05' and b'ab'.*duplicate token indices"):
        tiktoken.Encoding("d", pat_str=r"\w+|.", mergeable_ranks=ranks, special_tokens={})


def test_duplicate_ranks_in_a_file_are_refused(backend, tmp_path):
    path = tmp_path / "dup.tiktoken"
    tiktoken.load.dump_tiktoken_bpe({**BYTES, b"ab": 5}, path)
    ranks = tiktoken.load_tiktoken_bpe(path)  # reading is fine, as tiktoken's; building an encoding is not
    with pytest.raises(TokenizerConfigError, match="rank 5 to two tokens"):
        tiktoken.Encoding("d", pat_str=r"\w+|.", mergeable_ranks=ranks, special_tokens={})


def test_rank_2_32_minus_1_in_a_file_says_why(backend, tmp_path):
    path = tmp_path / "max.tiktoken"
    path.write_bytes(b"YQ== 0\nYg== 4294967295\n")
    with pytest.raises(TokenizerConfigError, match=r"line 2: rank 4294967295 \(2\^32 - 1\) is refused: aotml reserves"):
        tiktoken.load_tiktoken_bpe(path)


@pytest.mark.parametrize("n", [-1, -300])
def test_negative_explicit_n_vocab_is_refused(backend, n):
    with pytest.raises(TokenizerConfigError, match=f"explicit_n_vocab is {n}; it must be positive"):
        tiktoken.Encoding("n", pat_str=r"\w+", mergeable_ranks=BYTES, special_tokens={}, explicit_n_vocab=n)


@pytest.mark.parametrize("rank", [2**31 - 2, 2**30, 2**24 + 5])
def test_huge_ids_are_a_clear_error_not_memory_error(backend, rank):
    with pytest.raises(TokenizerConfigError, match=f"token id {rank} is too large: aotml decodes through a table"):
        tiktoken.Encoding("h", pat_str=r"\w+", mergeable_ranks={**BYTES, b"ab": rank}, special_tokens={})
    with pytest.raises(TokenizerConfigError, match=f"token id {rank} is too large"):
        tiktoken.Encoding("h", pat_str=r"\w+", mergeable_ranks=BYTES, special_tokens={"<x>": rank})
    # Sparse ids below the bound are fine.
    enc = tiktoken.Encoding("s", pat_str=r"\w+|.", mergeable_ranks={**BYTES, b"ab": 2**24 - 1}, special_tokens={})
    assert enc.encode("ab") == [2**24 - 1] and enc.n_vocab == 2**24


# ---- shipped pattern spellings run on the scanners -------------------------------------------------------------------
@pytest.mark.parametrize("pat,kind", list(SHIPPED.items()))
def test_shipped_spellings_get_the_scanner(backend, pat, kind):
    base = tiktoken.get_encoding("cl100k_base" if kind else "r50k_base")
    enc = tiktoken.Encoding("s", pat_str=pat, mergeable_ranks=base._mergeable_ranks,
                            special_tokens=base._special_tokens)
    assert _backend.impl.tiktoken_info(enc._handle)[2] == kind
    text = "Hello world's  \n\n  don'T 12345 ÀÉ!!\n  \n x"
    assert enc.encode(text) == base.encode(text)
    if kind != 4:  # the 0.14 cl100k spelling differs here (see below)
        assert enc.encode(text + "\n  \n ") == base.encode(text + "\n  \n ")


def test_cl100k_014_keeps_trailing_whitespace_whole(backend):
    base = tiktoken.get_encoding("cl100k_base")
    ranks = {**base._mergeable_ranks, b"  \n  ": 100256}
    old = tiktoken.Encoding("a", pat_str=base._pat_str, mergeable_ranks=ranks, special_tokens={})
    new = tiktoken.Encoding("b", pat_str=CL100K_014, mergeable_ranks=ranks, special_tokens={})
    # `\s++$` makes "  \n  " at the end of the text one piece (here one token); the old spelling splits it.
    assert new.encode("x  \n  ") == [87, 100256]
    assert old.encode("x  \n  ") == [87, 2355, 256]
    assert new.encode("x  \n  y") == old.encode("x  \n  y")


# ---- model table, registry, plugins -----------------------------------------------------------------------------------
def test_model_tables_are_tiktoken_014s(backend):
    from aotml.tiktoken.model import MODEL_PREFIX_TO_ENCODING, MODEL_TO_ENCODING
    assert len(MODEL_TO_ENCODING) == 45 and MODEL_TO_ENCODING["gpt-2"] == "gpt2"
    assert list(MODEL_PREFIX_TO_ENCODING)[:4] == ["o1-", "o3-", "o4-mini-", "gpt-5"]
    assert MODEL_PREFIX_TO_ENCODING["gpt-oss-"] == "o200k_harmony"
    assert set(MODEL_TO_ENCODING.values()) | set(MODEL_PREFIX_TO_ENCODING.values()) <= set(
        tiktoken.list_encoding_names())


def test_o200k_harmony(backend):
    enc = tiktoken.get_encoding("o200k_harmony")
    base = tiktoken.get_encoding("o200k_base")
    assert enc.max_token_value == 201087 and enc.eot_token == 199999 and len(enc.special_tokens_set) == 1091
    assert enc.encode("<|start|>assistant<|channel|>final<|message|>hi<|end|>", allowed_special="all") == \
        [200006, 173781, 200005, 17196, 200008, 3686, 200007]
    assert enc.encode_ordinary(SAMPLE_TEXT) == base.encode_ordinary(SAMPLE_TEXT)
    # Two names share 200018, as in tiktoken; allowing either allows the id.
    assert enc.encode("<|endofprompt|>", allowed_special={"<|endofprompt|>"}) == [200018]
    with pytest.raises(EncodeError, match="disallowed special token '<\\|call\\|>'"):
        enc.encode("<|call|>")


SAMPLE_TEXT = "The quick brown 🦊 jumps over 13 lazy dogs.\r\n\tÜnïcödé — 日本語, русский!  \n\n  x = f(y)\n"


def test_register_encoding_and_plugins(backend, tmp_path):
    code = f"""
        import sys, pickle
        sys.path.insert(0, {str(tmp_path)!r})
        import aotml.tiktoken as tiktoken
        from aotml.tiktoken import registry
        registry.register_encoding("bytes_only", lambda: dict(name="bytes_only", pat_str=r"\\w+|.",
            mergeable_ranks={{bytes([i]): i for i in range(256)}}, special_tokens={{"<e>": 256}}))
        print(tiktoken.list_encoding_names()[-2:])
        enc = tiktoken.get_encoding("bytes_only")
        print(enc.encode("hi<e>", allowed_special="all"), tiktoken.get_encoding("myplug").encode("ab"))
        print(pickle.loads(pickle.dumps(enc)) is enc)
        try:
            registry.register_encoding("cl100k_base", lambda: {{}})
        except ValueError as e:
            print("refused", e)
    """
    plugin = tmp_path / "tiktoken_ext"
    plugin.mkdir()
    (plugin / "myplug.py").write_text(textwrap.dedent("""
        def myplug():
            return {"name": "myplug", "pat_str": r"\\w+|.", "mergeable_ranks": {**{bytes([i]): i for i in range(256)},
                    b"ab": 256}, "special_tokens": {}, "explicit_n_vocab": 257}
        ENCODING_CONSTRUCTORS = {"myplug": myplug}
    """))
    out = run_isolated(backend, code, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "['bytes_only', 'myplug']", "[104, 105, 256] [256]", "True",
        "refused an encoding named 'cl100k_base' is already registered"]


# ---- load helpers -------------------------------------------------------------------------------------------------------
def test_read_file_is_local_only(backend, tmp_path):
    from aotml.tiktoken.load import read_file, read_file_cached
    (tmp_path / "f").write_bytes(b"abc")
    assert read_file(str(tmp_path / "f")) == b"abc"
    assert read_file_cached(str(tmp_path / "f"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == b"abc"
    with pytest.raises(ValueError, match="aotml works offline and does not fetch URLs"):
        read_file("https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken")


def test_data_gym_files_give_gpt2s_ranks(backend, tmp_path):
    from aotml.tiktoken.load import data_gym_to_mergeable_bpe_ranks
    gpt2 = tiktoken.get_encoding("gpt2")
    ranks = gpt2._mergeable_ranks
    # Write GPT-2's original files from the bundled ranks: byte alphabet, merges in rank order, encoder.json.
    order = [b for b in range(256) if chr(b).isprintable() and b != 32]
    alphabet = {b: chr(b) for b in order}
    alphabet.update({b: chr(256 + n) for n, b in enumerate(b for b in range(256) if b not in alphabet)})
    show = lambda bs: "".join(alphabet[b] for b in bs)  # noqa: E731
    merges = ["#version: 0.2"]
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1])[256:]:
        left, right = gpt2.decode_tokens_bytes(gpt2._encode_single_piece(token)[:1])[0], None
        # The merge that made this token: the split whose halves both rank below it, the lowest-ranked pair.
        best = min(((max(ranks[token[:i]], ranks[token[i:]]), i) for i in range(1, len(token))
                    if token[:i] in ranks and token[i:] in ranks))
        i = best[1]
        merges.append(f"{show(token[:i])} {show(token[i:])}")
        del left, right
    (tmp_path / "vocab.bpe").write_text("\n".join(merges) + "\n", encoding="utf-8")
    (tmp_path / "encoder.json").write_text(json.dumps({show(k): v for k, v in ranks.items()}), encoding="utf-8")
    assert data_gym_to_mergeable_bpe_ranks(str(tmp_path / "vocab.bpe"), str(tmp_path / "encoder.json")) == ranks
    (tmp_path / "encoder.json").write_text(json.dumps({show(k): v + 1 for k, v in ranks.items()}), encoding="utf-8")
    with pytest.raises(ValueError, match="disagree"):
        data_gym_to_mergeable_bpe_ranks(str(tmp_path / "vocab.bpe"), str(tmp_path / "encoder.json"))


# ---- Encoding surface -------------------------------------------------------------------------------------------------
def test_batch_defaults_and_parallel_decode(backend):
    import inspect
    enc = tiktoken.get_encoding("cl100k_base")
    for method in ("encode_batch", "encode_ordinary_batch", "decode_batch", "decode_bytes_batch"):
        assert inspect.signature(getattr(enc, method)).parameters["num_threads"].default == 8
    texts = [f"text {i}: {SAMPLE_TEXT * (i % 5)}" for i in range(500)]
    batch = enc.encode_batch(texts)
    assert enc.decode_batch(batch) == texts
    assert enc.decode_bytes_batch(batch, num_threads=3) == [t.encode() for t in texts]
    assert enc.decode_batch(batch, num_threads=1) == texts
    assert enc.decode_batch([[100257, 128]]) == ["<|endoftext|>\ufffd"]
    with pytest.raises(UnicodeDecodeError):
        enc.decode_batch([[100257, 128]], errors="strict")
    with pytest.raises(KeyError):
        enc.decode_batch(batch[:200] + [[10**9]])


def test_mergeable_ranks_built_once(backend):
    enc = tiktoken.get_encoding("o200k_base")
    first = enc._mergeable_ranks
    t0 = time.perf_counter()
    again = enc._mergeable_ranks
    assert again is first and time.perf_counter() - t0 < 0.01
    assert len(first) == 199998 and first[b" world"] == 2375
    assert enc.token_byte_values() == sorted(first)


def test_encode_to_numpy_is_read_only(backend):
    ids = tiktoken.get_encoding("cl100k_base").encode_to_numpy("hello world")
    assert ids.tolist() == [15339, 1917] and ids.dtype == np.uint32 and not ids.flags.writeable
    with pytest.raises(ValueError):
        ids[0] = 1


def test_encode_only_native_bpe_and_encode_bytes(backend):
    pytest.importorskip("regex", reason="tiktoken's _encode_only_native_bpe needs the `regex` module")
    for name in ("cl100k_base", "o200k_base", "r50k_base"):
        enc = tiktoken.get_encoding(name)
        assert enc._encode_only_native_bpe(SAMPLE_TEXT) == enc.encode_ordinary(SAMPLE_TEXT)
        assert enc._encode_bytes(SAMPLE_TEXT.encode()) == enc.encode_ordinary(SAMPLE_TEXT)
    enc = tiktoken.get_encoding("cl100k_base")
    # Invalid UTF-8: the valid prefix as text, the rest merged with its last piece.
    data = "hello 日本".encode() + "語".encode()[:2]
    ids = enc._encode_bytes(data)
    assert enc.decode_bytes(ids) == data
    assert ids[:1] == enc.encode("hello")
    assert enc._encode_bytes(b"\xff") == [enc.encode_single_token(b"\xff")]


@pytest.mark.parametrize("text", ["hello fanta", "hello wor", "x = 1\n\n", "日本", "a  ", "<|endoftext|>"])
def test_encode_with_unstable(backend, text):
    pytest.importorskip("regex", reason="the last piece is found with the `regex` module, as tiktoken's helpers")
    enc = tiktoken.get_encoding("cl100k_base")
    stable, completions = enc.encode_with_unstable(text, allowed_special="all")
    data = text.encode()
    assert data.startswith(enc.decode_bytes(stable))
    if text == "<|endoftext|>":
        assert (stable, completions) == ([100257], [])
        return
    assert completions and all(enc.decode_bytes(stable + c).startswith(data) for c in completions)
    # The text's own tail is among the completions, and so is every single token extending the unstable bytes.
    full = enc.encode(text, allowed_special="all")
    assert full[len(stable):] in completions
    if text == "hello fanta":
        assert stable == [15339] and [282, 8424] in completions
