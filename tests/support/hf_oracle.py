"""The differential oracle for tokenizer.json: Hugging Face `tokenizers` (its Rust core, through the official Node
binding, npm `tokenizers`), asked through hf_oracle.mjs: one node process per call, JSON on stdin and stdout.

    oracle = HfOracle(path_to_tokenizer_json)
    encs = oracle.encode_batch(["Hello world!"], truncation={"max_length": 8}, padding={"length": 10})
    encs[0].ids, encs[0].offsets, encs[0].word_ids, ...      # as the Python `tokenizers` Encoding has them
    oracle.decode(encs[0].ids)
    HfOracle.train({"model": "BPE", "pre_tokenizer": {"type": "Whitespace"}, ...})   # -> a tokenizer.json Path

Texts cross as JSON with ASCII escapes, so every non-BMP character arrives in node as its surrogate pair and in the
Rust core as the same code point: the core tokenizes exactly the Python string. A lone surrogate cannot be passed
on: node's string conversion would quietly replace it with U+FFFD, and HF's Python binding refuses such a str
(PyO3 cannot make a Rust String of it: TypeError "TextInputSequence must be str"). The oracle raises that same
TypeError before starting node, so a test can expect exactly what HF's Python package does.

Offsets are code-point offsets into the original text (the binding encodes with encode_char_offsets), i.e. Python
str indices, as HF's Python binding reports them.

What npm tokenizers@0.23.2 can construct in JS: models BPE, WordPiece, WordLevel, Unigram; normalizers BertNormalizer,
Strip, StripAccents, NFC/NFD/NFKC/NFKD, Sequence, Lowercase, Nmt, Precompiled, Replace (string pattern only),
Prepend; pre-tokenizers BertPreTokenizer, ByteLevel, CharDelimiterSplit, Metaspace, Whitespace, WhitespaceSplit,
Sequence, Split (string pattern only), Punctuation, Digits; post-processors Bert, Roberta, ByteLevel, Template,
Sequence; decoders BPEDecoder, CTC, Fuse, Strip, Replace, Sequence, Metaspace, WordPiece, ByteFallback. Not: the
ByteLevel normalizer and decoder, UnicodeScripts, regex patterns, trainers with options (only `train(files)` with the
model's default trainer). The oracle never constructs components in JS: it loads tokenizer.json text, which reaches
every type the Rust core reads, so hand-written JSON (and `train`'s component objects) covers them all.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "hf_oracle.mjs"
TRAINED = ROOT / "build" / "material" / "trained"
NPM_PACKAGE = "tokenizers"


def npm_modules_dir() -> Path:
    """node_modules holding npm `tokenizers` (installed under build/npm by `python3 build.py test`)."""
    return Path(os.environ.get("AOTML_NPM_MODULES", ROOT / "build" / "npm" / "node_modules"))


def available(npm_modules: Path | None = None) -> str | None:
    """None when the oracle can run, else what is missing (for a skip message naming the tool)."""
    if shutil.which("node") is None:
        return "node is not installed"
    mods = npm_modules or npm_modules_dir()
    if not (mods / NPM_PACKAGE / "package.json").is_file():
        return f"npm {NPM_PACKAGE} is not installed under {mods}: run `python3 build.py test`"
    return None


class HfOracleError(RuntimeError):
    """The oracle itself failed (node missing or crashed, tokenizer.json rejected), or an encode/decode failed in
    HF `tokenizers`; the message is the library's."""


@dataclass(frozen=True)
class OracleEncoding:
    """One encoding, field for field as HF's Python `tokenizers.Encoding` reports it."""
    ids: list[int]
    type_ids: list[int]
    tokens: list[str]
    offsets: list[tuple[int, int]]
    attention_mask: list[int]
    special_tokens_mask: list[int]
    word_ids: list[int | None]
    sequence_ids: list[int | None]
    n_sequences: int
    overflowing: list["OracleEncoding"] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "OracleEncoding":
        return cls(d["ids"], d["type_ids"], d["tokens"], [(a, b) for a, b in d["offsets"]], d["attention_mask"],
                   d["special_tokens_mask"], d["word_ids"], d["sequence_ids"], d["n_sequences"],
                   [cls.from_json(o) for o in d["overflowing"]])


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError("TextInputSequence must be str")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise TypeError("TextInputSequence must be str") from None  # what HF's Python binding raises


def _run(request: dict[str, Any], npm_modules: Path | None, timeout: float = 600) -> list[Any]:
    node = shutil.which("node")
    if node is None:
        raise HfOracleError("node is not installed")
    request = {"npm_modules": str(npm_modules or npm_modules_dir()), **request}
    proc = subprocess.run([node, str(SCRIPT)], input=json.dumps(request).encode("ascii"), capture_output=True,
                          timeout=timeout)
    if proc.returncode != 0 or not proc.stdout:
        raise HfOracleError(f"hf_oracle.mjs exited with {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    reply = json.loads(proc.stdout.decode("utf-8"))
    if "error" in reply:
        raise HfOracleError(reply["error"])
    return reply["results"]


class HfOracle:
    """HF `tokenizers` loaded from one tokenizer.json (a path, or the JSON text with `HfOracle.from_str`)."""

    def __init__(self, tokenizer_json: str | os.PathLike[str], *, npm_modules: Path | None = None) -> None:
        self._source: dict[str, str] = {"path": str(Path(tokenizer_json).resolve())}
        self._npm_modules = npm_modules

    @classmethod
    def from_str(cls, json_text: str, *, npm_modules: Path | None = None) -> "HfOracle":
        self = cls.__new__(cls)
        self._source = {"json": json_text}
        self._npm_modules = npm_modules
        return self

    def run(self, ops: list[dict[str, Any]]) -> list[Any]:
        """Several raw ops (see hf_oracle.mjs) in one node process: the tokenizer is loaded once."""
        results = _run({"tokenizer": self._source, "ops": ops}, self._npm_modules)
        for r in results:
            if "error" in r:
                raise HfOracleError(r["error"])
        return results

    @staticmethod
    def encode_op(texts: Sequence[str], pairs: Sequence[str] | None = None, add_special_tokens: bool = True,
                  truncation: dict[str, Any] | None = None, padding: dict[str, Any] | None = None) -> dict[str, Any]:
        """The raw op for `run`: truncation as HF's `Tokenizer.truncation` dict (max_length, stride, strategy
        "longest_first" | "only_first" | "only_second", direction "right" | "left"), padding as its
        `Tokenizer.padding` dict (length (None: the batch's longest), pad_to_multiple_of, pad_id, pad_type_id,
        pad_token, direction). Both default to off, as on a freshly loaded tokenizer.json without them."""
        for t in texts:
            _check_text(t)
        if pairs is not None:
            if len(pairs) != len(texts):
                raise ValueError(f"{len(texts)} texts but {len(pairs)} pairs")
            for t in pairs:
                _check_text(t)
        if truncation is not None and "max_length" not in truncation:
            raise ValueError("truncation needs max_length")
        return {"op": "encode", "texts": list(texts), "pairs": None if pairs is None else list(pairs),
                "add_special_tokens": add_special_tokens, "truncation": truncation, "padding": padding}

    @staticmethod
    def encodings(result: dict[str, Any], errors: str = "raise") -> list[OracleEncoding | HfOracleError]:
        """Turns an encode op's result into OracleEncodings; errors="return" keeps failures as HfOracleError items."""
        out: list[OracleEncoding | HfOracleError] = []
        for i, e in enumerate(result["encodings"]):
            if "error" in e:
                if errors == "raise":
                    raise HfOracleError(f"text {i}: {e['error']}")
                out.append(HfOracleError(e["error"]))
            else:
                out.append(OracleEncoding.from_json(e))
        return out

    def encode_batch(self, texts: Sequence[str], pairs: Sequence[str] | None = None, add_special_tokens: bool = True,
                     truncation: dict[str, Any] | None = None, padding: dict[str, Any] | None = None,
                     errors: str = "raise") -> list[Any]:
        """HF's `encode_batch(texts or list(zip(texts, pairs)))` with the given truncation and padding enabled."""
        [result] = self.run([self.encode_op(texts, pairs, add_special_tokens, truncation, padding)])
        return self.encodings(result, errors)

    def encode(self, text: str, pair: str | None = None, **kw: Any) -> OracleEncoding:
        return self.encode_batch([text], None if pair is None else [pair], **kw)[0]

    def decode_batch(self, sequences: Iterable[Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        """HF's `decode_batch` (skip_special_tokens defaults to True there too)."""
        [r] = self.run([{"op": "decode", "ids": [list(map(int, s)) for s in sequences],
                         "skip_special_tokens": skip_special_tokens}])
        bad = [t["error"] for t in r["texts"] if isinstance(t, dict)]
        if bad:
            raise HfOracleError(bad[0])
        return r["texts"]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        return self.decode_batch([ids], skip_special_tokens)[0]

    def vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        return self.run([{"op": "vocab", "with_added_tokens": with_added_tokens}])[0]["vocab"]

    def saved_json(self) -> str:
        """The tokenizer as HF `tokenizers` serializes it after loading (normalizes a hand-written file)."""
        return self.run([{"op": "save"}])[0]["json"]

    @staticmethod
    def train(spec: dict[str, Any], *, npm_modules: Path | None = None) -> Path:
        """Trains a small tokenizer with HF `tokenizers` and returns its tokenizer.json (cached in build/material/trained).

        spec: "model": "BPE" | "WordPiece" | "Unigram" | "WordLevel" or a model JSON object (its vocab is replaced);
        "corpus": list of texts; "initial_alphabet": characters BPE's alphabet must hold (ByteLevel's 256, as HF's
        byte-level recipes pass to BpeTrainer); "normalizer", "pre_tokenizer", "decoder": tokenizer.json component objects (any type
        the Rust core reads, whether or not the Node binding can construct it); "special_tokens": list (become ids
        0..k-1 of the model's vocabulary and special added tokens, as HF trainers place them; the first one named
        "unk_token" in spec is the model's unknown token); "vocab_size": caps BPE / WordPiece / WordLevel vocabularies
        (their training is greedy, so capping the default 30000 result equals training with that size); "post_processor":
        a JSON object or a function of the final vocab returning one; "added_tokens": non-special tokens to add.

        The binding exposes no trainer options, only `Tokenizer.train(files)` with the model's default trainer; the
        options above are applied to its result in the same way the trainers apply theirs."""
        skeleton = _skeleton(spec)
        corpus = "\n".join(spec["corpus"]) + "\n"
        key = hashlib.sha256(json.dumps([skeleton, corpus], sort_keys=True).encode()).hexdigest()[:16]
        TRAINED.mkdir(parents=True, exist_ok=True)
        raw = TRAINED / f"{key}.raw.json"
        if not raw.is_file():
            with tempfile.TemporaryDirectory() as tmp:
                corpus_file = Path(tmp) / "corpus.txt"
                corpus_file.write_text(corpus, encoding="utf-8")
                out = Path(tmp) / "trained.json"
                _run({"tokenizer": None, "ops": [{"op": "train", "skeleton": json.dumps(skeleton),
                                                  "files": [str(corpus_file)], "out": str(out)}]}, npm_modules)
                shutil.move(out, raw)
        doc = _finish(json.loads(raw.read_text(encoding="utf-8")), spec)
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        final = TRAINED / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
        if not final.is_file():
            HfOracle.from_str(text, npm_modules=npm_modules).vocab()  # loads in HF, or raises with its message
            tmp_final = final.with_suffix(".part")
            tmp_final.write_text(text, encoding="utf-8")
            tmp_final.replace(final)
        return final


def byte_level_alphabet() -> dict[int, str]:
    """ByteLevel's byte -> character map (GPT-2's bytes_to_unicode): printable Latin-1 bytes stand for themselves,
    the other 68 bytes for U+0100 onwards in byte order."""
    keep = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    out = {b: chr(b) for b in keep}
    for n, b in enumerate(b for b in range(256) if b not in out):
        out[b] = chr(0x100 + n)
    return dict(sorted(out.items()))


# ---- training helpers ----------------------------------------------------------------------------------------------
_EMPTY_MODELS: dict[str, dict[str, Any]] = {
    "BPE": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": {}, "merges": []},
    "WordPiece": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {}},
    "WordLevel": {"type": "WordLevel", "vocab": {}, "unk_token": "[UNK]"},
    "Unigram": {"type": "Unigram", "unk_id": None, "vocab": [], "byte_fallback": False},
}


def _skeleton(spec: dict[str, Any]) -> dict[str, Any]:
    model = spec["model"]
    model = dict(_EMPTY_MODELS[model]) if isinstance(model, str) else dict(model)
    model["vocab"] = [] if model["type"] == "Unigram" else {}
    if model["type"] == "BPE":
        model["merges"] = []
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
            "normalizer": spec.get("normalizer"), "pre_tokenizer": spec.get("pre_tokenizer"),
            "post_processor": None, "decoder": spec.get("decoder"), "model": model}


def _finish(doc: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Applies special tokens, vocab_size, unk token, added tokens and the post-processor to a trained tokenizer."""
    model = doc["model"]
    kind = model["type"]
    specials: list[str] = list(spec.get("special_tokens", []))
    cap = spec.get("vocab_size")
    if kind == "Unigram":
        pieces = [p for p in model["vocab"] if p[0] not in specials]
        model["vocab"] = [[t, 0.0] for t in specials] + pieces
        vocab = {p[0]: i for i, p in enumerate(model["vocab"])}
    else:
        ordered = sorted(((i, t) for t, i in model["vocab"].items() if t not in specials))
        extra = set(spec.get("initial_alphabet", ())) - set(model["vocab"])
        if kind == "BPE" and extra:
            # BpeTrainer's ids: special tokens, the alphabet (initial alphabet included) by code point, then merges.
            alphabet = sorted({t for _, t in ordered if len(t) == 1} | extra)
            ordered = list(enumerate(alphabet)) + [(i, t) for i, t in ordered if len(t) != 1]
        if cap is not None:
            ordered = ordered[:max(0, cap - len(specials))]
        vocab = {t: i for i, t in enumerate(specials)}
        for _, t in ordered:
            vocab[t] = len(vocab)
        model["vocab"] = vocab
        if kind == "BPE" and cap is not None:
            def merged(m: Any) -> str:
                a, b = m.split(" ", 1) if isinstance(m, str) else m
                prefix = model.get("continuing_subword_prefix") or ""
                return a + (b[len(prefix):] if prefix and b.startswith(prefix) else b)
            model["merges"] = [m for m in model["merges"] if merged(m) in vocab]
    unk = spec.get("unk_token")
    if unk is not None:
        if unk not in vocab:
            raise ValueError(f"unk_token {unk!r} must be one of special_tokens")
        if kind == "Unigram":
            model["unk_id"] = vocab[unk]
        else:
            model["unk_token"] = unk
    doc["added_tokens"] = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                            "normalized": False, "special": True} for t in specials]
    for t in spec.get("added_tokens", []):
        if t not in vocab:
            vocab[t] = len(vocab) if kind != "Unigram" else len(model["vocab"])
            if kind == "Unigram":
                model["vocab"].append([t, 0.0])
        doc["added_tokens"].append({"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
                                    "rstrip": False, "normalized": True, "special": False})
    pp: Any = spec.get("post_processor")
    doc["post_processor"] = pp(vocab) if callable(pp) else pp
    return doc


def template(single: str, pair: str | None, vocab: dict[str, int]) -> dict[str, Any]:
    """A TemplateProcessing object from HF's template notation ("[CLS]:0 $A:0 [SEP]:0"), special ids from vocab."""
    def pieces(spec: str) -> list[dict[str, Any]]:
        out = []
        for item in spec.split():
            name, _, type_id = item.partition(":")
            tid = int(type_id or 0)
            if name.startswith("$"):
                out.append({"Sequence": {"id": name[1:] or "A", "type_id": tid}})
            else:
                out.append({"SpecialToken": {"id": name, "type_id": tid}})
        return out

    single_p = pieces(single)
    pair_p = pieces(pair) if pair else []
    names = sorted({p["SpecialToken"]["id"] for p in single_p + pair_p if "SpecialToken" in p})
    return {"type": "TemplateProcessing", "single": single_p, "pair": pair_p,
            "special_tokens": {n: {"id": n, "ids": [vocab[n]], "tokens": [n]} for n in names}}

