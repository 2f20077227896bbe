"""Malformed tokenizer.json: each named defect either refused with TokenizerConfigError naming the JSON path (where
Hugging Face tokenizers 0.23.2 refuses it too) or accepted and encoded as HF does (where HF accepts it), checked
against the HF oracle; and a fuzz run over mutated real tokenizer.json files in a subprocess, on both backends: no
crash (signal), no hang (timeout), nothing raised but TokenizerConfigError, or ValueError while encoding."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

import aotml
import aotml.tokenizers as tk

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402
from support import hf_oracle  # noqa: E402

TEXTS = ["Hello world, héllo wörld!", "unaffable tokens 123", "", "  spaces  "]


def small_bpe() -> dict[str, Any]:
    """A byte-level BPE tokenizer.json: Llama-3's components over its first 2,000 tokens and the merges among them."""
    doc = json.loads(material.tokenizer_json("llama3").read_text(encoding="utf-8"))
    keep = {t: i for t, i in doc["model"]["vocab"].items() if i < 2000}
    merges = []
    for m in doc["model"]["merges"]:
        a, b = m.split(" ") if isinstance(m, str) else m
        if a in keep and b in keep and a + b in keep:
            merges.append(m)
    doc["model"]["vocab"], doc["model"]["merges"] = keep, merges
    doc["added_tokens"] = [t for t in doc["added_tokens"] if t["id"] < 128010]
    for t in doc["added_tokens"]:
        t["id"] = t["id"] - 128000 + 2000
    doc["post_processor"] = None
    return doc


def small_wordpiece() -> dict[str, Any]:
    """all-MiniLM-L6-v2's tokenizer.json (BERT normalizer, pre-tokenizer, template, WordPiece)."""
    return json.loads(material.tokenizer_json("all-MiniLM-L6-v2").read_text(encoding="utf-8"))


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def f(doc: dict[str, Any]) -> None:
        node = doc
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return f


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def f(doc: dict[str, Any]) -> None:
        node = doc
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return f


def _merge_unknown(doc: dict[str, Any]) -> None:
    doc["model"]["merges"].insert(3, "zzqq\u2603 Ġ")


def _duplicate_id(doc: dict[str, Any]) -> None:
    doc["model"]["vocab"]["zz-new-token"] = 5


def _token_twice(doc: dict[str, Any]) -> Any:
    # The same vocabulary key twice (json.dumps cannot write that: the text is patched after dumping).
    doc["model"]["vocab"]["zz-twice-marker"] = 1


def _added_collides(doc: dict[str, Any]) -> None:
    # "the" is a vocabulary token; the file states another id for it.
    doc["added_tokens"].append({"id": 7, "content": "the", "single_word": False, "lstrip": False, "rstrip": False,
                                "normalized": False, "special": True})


# (name, base, mutation, the JSON path our error names where HF 0.23.2 refuses the file too). HF accepts some: two
# tokens with one id, an added token whose stated id is not the vocabulary's (HF warns and keeps the vocabulary's).
CASES: list[tuple[str, Callable[[], dict[str, Any]], Callable[[dict[str, Any]], None], str]] = [
    ("unknown normalizer type", small_wordpiece, _set(["normalizer"], {"type": "NoSuchNormalizer"}), "$.normalizer"),
    ("unknown pre-tokenizer type", small_bpe, _set(["pre_tokenizer", "pretokenizers", 0], {"type": "Nope"}),
     "$.pre_tokenizer.pretokenizers[0]"),
    ("unknown model type", small_wordpiece, _set(["model", "type"], "NoSuchModel"), "$.model"),
    ("missing vocab", small_wordpiece, _delete(["model", "vocab"]), "$.model.vocab"),
    ("mistyped flag", small_wordpiece, _set(["normalizer", "lowercase"], "yes"), "$.normalizer.lowercase"),
    ("mistyped vocab id", small_wordpiece, _set(["model", "vocab", "the"], "7"), "$.model.vocab"),
    ("negative id", small_wordpiece, _set(["model", "vocab", "the"], -1), "$.model.vocab"),
    ("id beyond u32", small_wordpiece, _set(["model", "vocab", "the"], 2 ** 32), "$.model.vocab"),
    ("merges naming an unknown token", small_bpe, _merge_unknown, "$.model.merges[3]"),
    ("mistyped merges", small_bpe, _set(["model", "merges"], "a b"), "$.model.merges"),
    ("unknown truncation strategy", small_wordpiece,
     _set(["truncation"], {"max_length": 5, "stride": 0, "strategy": "Nope", "direction": "Right"}),
     "$.truncation.strategy"),
    ("added token id beyond u32", small_wordpiece, _set(["added_tokens", 0, "id"], 2 ** 40), "$.added_tokens[0].id"),
    ("unknown token not in the vocabulary", small_wordpiece, _set(["model", "unk_token"], "NOPE"), "$.model"),
    ("BPE without merges", small_wordpiece, _set(["model"], {"type": "BPE", "vocab": {"a": 0}}), "$.model"),
    ("two tokens with one id", small_wordpiece, _duplicate_id, "$.model.vocab"),
    ("added token colliding with the vocabulary", small_wordpiece, _added_collides, "$.added_tokens"),
    ("a token listed twice", small_wordpiece, _token_twice, "$.model.vocab"),
]


@pytest.fixture(scope="module", autouse=True)
def _oracle_available() -> None:
    missing = hf_oracle.available()
    if missing:
        pytest.skip(f"HF oracle unavailable: {missing}")


_HF: dict[str, Any] = {}


def _hf(text: str) -> Any:
    """HF's encodings of TEXTS for the file, or the HfOracleError it refused it with."""
    if text not in _HF:
        try:
            _HF[text] = hf_oracle.HfOracle.from_str(text).encode_batch(TEXTS, errors="return")
        except hf_oracle.HfOracleError as e:
            _HF[text] = e
    return _HF[text]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_files_as_hf(backend, case):
    _, base, mutate, path = case
    doc = base()
    mutate(doc)
    text = json.dumps(doc, ensure_ascii=False).replace('"zz-twice-marker"', '"the"')
    hf = _hf(text)
    if isinstance(hf, hf_oracle.HfOracleError):
        with pytest.raises(aotml.TokenizerConfigError) as e:
            tk.Tokenizer.from_str(text)
        assert path in str(e.value), str(e.value)
    else:
        tok = tk.Tokenizer.from_str(text)
        for t, want in zip(TEXTS, hf):
            if isinstance(want, hf_oracle.HfOracleError):
                with pytest.raises(ValueError):
                    tok.encode(t)
            else:
                got = tok.encode(t)
                assert (got.ids, got.tokens) == (want.ids, want.tokens), t


def test_invalid_json_names_the_place(backend):
    with pytest.raises(aotml.TokenizerConfigError, match=r"line 2"):
        tk.Tokenizer.from_str('{"version": "1.0",\n "model": {]}')
    with pytest.raises(aotml.TokenizerConfigError):
        tk.Tokenizer.from_buffer(b'{"version": "1.0", "model": {"type": "BPE", "vocab": {"\xff": 0}, "merges": []}}')


_FUZZ = r"""
import json, random, sys
import aotml, aotml.tokenizers as tk

def mutations(rng, doc):
    # Structural: delete or duplicate a key, swap a value's type, put in a huge number; then text-level damage.
    paths = []
    def walk(node, path, depth):
        if depth > 4:
            return
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for i, (k, v) in enumerate(items):
            if isinstance(node, list) and i > 6:
                break
            paths.append(path + [k])
            walk(v, path + [k], depth + 1)
    walk(doc, [], 0)
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        node = doc
        try:
            for k in path[:-1]:
                node = node[k]
            k = path[-1]
            node[k]
        except (KeyError, IndexError, TypeError):
            continue
        op = rng.random()
        if op < 0.25 and isinstance(node, dict):
            del node[k]
        elif op < 0.8:
            node[k] = rng.choice([None, True, 0, -1, 2**31, 2**32, 2**64, 10**400, 1.5, -0.0, "", "x", "Nope", [], [1],
                                  {}, {"type": "Nope"}, [[1, 2]], "a b c"])
        else:
            node[k] = copy_of(node[k])
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.3).encode("utf-8")
    if rng.random() < 0.3:
        # A duplicated key: the same member twice in one object.
        at = text.find(b'"type"', rng.randrange(len(text)))
        if at > 0:
            end = text.find(b",", at)
            if end > 0:
                text = text[:end + 1] + text[at:end + 1] + text[end + 1:]
    b = bytearray(text)
    for _ in range(rng.choice([0, 0, 1, 3])):
        op = rng.random()
        i = rng.randrange(len(b))
        if op < 0.5:
            b[i] = rng.randrange(256)
        elif op < 0.7:
            del b[i:i + rng.randint(1, 64)]
        elif op < 0.85:
            b = b[:i]
            if not b:
                b = bytearray(b"{")
        else:
            b[i:i] = rng.choice([b"9" * 40, b"\\u0000", b"\\ud800", b"[", b"}", b"\x00", b"\xc3", b"1e999"])
    return bytes(b)

def copy_of(v):
    return json.loads(json.dumps(v))

bases = [open(p, "rb").read() for p in sys.argv[2:]]
rng = random.Random(int(sys.argv[1]))
loaded = refused = 0
for n in range(int(sys.argv[1]) and 150):
    base = json.loads(rng.choice(bases))
    data = mutations(rng, base)
    try:
        tok = tk.Tokenizer.from_buffer(data)
    except aotml.TokenizerConfigError:
        refused += 1
        continue
    loaded += 1
    for args in (("Hello wörld 東京 [CLS] <|begin_of_text|> 123",), ("",), ("a", "b")):
        try:
            tok.encode(*args)
            tok.decode(tok.encode(*args).ids)
        except ValueError:
            pass
    try:
        tok.encode_batch(["x y", ("p", "q")])
        tok.to_str()
    except ValueError:
        pass
print(loaded, refused)
"""


def test_fuzz_mutated_files(backend, tmp_path):
    bases = []
    for name, doc in (("bpe", small_bpe()), ("wordpiece", small_wordpiece())):
        if name == "wordpiece":
            doc["model"]["vocab"] = {t: i for t, i in doc["model"]["vocab"].items() if i < 3000}
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        bases.append(str(p))
    script = tmp_path / "fuzz.py"
    script.write_text(_FUZZ)
    env = dict(os.environ, AOTML_BACKEND=backend, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, str(script), "4321", *bases], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    loaded, refused = map(int, r.stdout.split())
    assert loaded + refused == 150 and refused > 0 and loaded > 0
