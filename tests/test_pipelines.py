"""aotml.TextEmbedder on all-MiniLM-L6-v2 against HF tokenizers + onnxruntime-node (tests/support/embed_oracle.mjs),
and on small hand-built models: pooling modes, int32 inputs, bad models, bad input, progress, pickling, Ctrl-C."""
from __future__ import annotations

import asyncio
import pickle
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aotml
from aotml.pipelines import TextEmbedder, TruncationWarning

sys.path.insert(0, str(Path(__file__).resolve().parent))
import onnx_models  # noqa: E402
from support import corpora, embed_oracle  # noqa: E402
from support.interrupt import assert_ctrl_c_stops  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402


@pytest.fixture(scope="module")
def minilm() -> material.MiniLM:
    return material.minilm()


def mixed_texts() -> list[str]:
    """Over 300 texts: short lines and whole documents (longer than max_length) in several languages, code, oddities."""
    prose = corpora.english_prose(400_000)
    code = corpora.source_code(200_000)
    texts = corpora.lines(prose, 120) + corpora.lines(code, 50)
    for lang, docs in corpora.multilingual(100_000).items():
        texts += corpora.lines(docs, 20)
    texts += [d[:3000] for d in prose[:15]] + [d[:2000] for d in code[:5]] + corpora.TRICKY
    return texts


@pytest.fixture(scope="module")
def oracle(npm_modules: Path, minilm: material.MiniLM) -> tuple[list[str], np.ndarray, list[int]]:
    texts = mixed_texts()
    vectors, lengths = embed_oracle.embed(npm_modules, minilm.model, minilm.tokenizer_json, texts, max_length=256)
    return texts, vectors, lengths


def test_minilm_matches_node_oracle(backend, oracle, minilm):
    texts, expected, lengths = oracle
    assert len(texts) >= 300 and max(lengths) == 256 and min(lengths) <= 3  # long, short and empty texts
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=256)
    assert emb.dimension == 384
    with pytest.warns(TruncationWarning, match=rf" of {len(texts)} texts had more than max_length=256 tokens"):
        got = emb.embed(texts, batch_size=16, num_threads=2)
    assert got.dtype == np.float32 and got.shape == (len(texts), 384) and got.flags.c_contiguous
    diff = np.abs(got - expected).max()
    assert diff <= 1e-5, f"max abs diff {diff}"
    # One text gives one vector, the same as its row in a batch (up to the padding of the batch it ran in).
    np.testing.assert_allclose(emb.embed(texts[3]), got[3], atol=1e-5)


@pytest.mark.parametrize("pooling", ["cls", "max"])
def test_other_poolings_match_node_oracle(backend, npm_modules, minilm, pooling):
    texts = corpora.lines(corpora.english_prose(50_000), 30) + corpora.TRICKY[:10]
    expected, _ = embed_oracle.embed(npm_modules, minilm.model, minilm.tokenizer_json, texts, max_length=128,
                                     pooling=pooling, normalize=False)
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, pooling=pooling, normalize=False, max_length=128)
    got = emb.embed(texts, batch_size=7)
    assert np.abs(got - expected).max() <= 1e-4 * max(1.0, np.abs(expected).max())


def test_truncation_is_reported(backend, minilm):
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=16)
    with pytest.warns(TruncationWarning, match=r"^2 of 3 texts had more than max_length=16 tokens"):
        emb.embed(["word " * 40, "short", "another " * 30])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        emb.embed(["short", "a b c"])


def test_pickle_copy_and_repr(backend, minilm):
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, pooling="mean", max_length=64)
    clone = pickle.loads(pickle.dumps(emb))
    assert (clone.dimension, clone.max_length, clone.pooling, clone.normalize) == (384, 64, "mean", True)
    texts = ["pickled by content", "the same vectors on the other side"]
    np.testing.assert_array_equal(clone.embed(texts), emb.embed(texts))
    assert repr(emb) == "TextEmbedder(model='model.onnx', dimension=384, pooling='mean', normalize=True, max_length=64)"
    assert "<table>" in emb._repr_html_() and "384" in emb._repr_html_()
    assert isinstance(emb.session, aotml.onnxruntime.InferenceSession)
    assert emb.tokenizer.get_vocab_size() == 30522
    assert aotml.TextEmbedder is TextEmbedder


def test_from_directory_reads_sentence_transformers_settings(backend, minilm, tmp_path):
    for name in ("model.onnx", "tokenizer.json"):
        (tmp_path / name).symlink_to(getattr(minilm, "model" if name == "model.onnx" else "tokenizer_json"))
    plain = TextEmbedder.from_directory(tmp_path)
    assert (plain.pooling, plain.normalize, plain.max_length) == ("mean", True, 256)
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 384, "pooling_mode_cls_token": true,'
                                                        ' "pooling_mode_mean_tokens": false}')
    (tmp_path / "sentence_bert_config.json").write_text('{"max_seq_length": 128, "do_lower_case": false}')
    (tmp_path / "modules.json").write_text('[{"idx": 0, "type": "sentence_transformers.models.Transformer"},'
                                           ' {"idx": 1, "type": "sentence_transformers.models.Pooling"}]')
    st = TextEmbedder.from_directory(tmp_path)
    assert (st.pooling, st.normalize, st.max_length) == ("cls", False, 128)
    assert TextEmbedder.from_directory(tmp_path, max_length=32).max_length == 32
    with pytest.raises(FileNotFoundError, match="no model.onnx"):
        TextEmbedder.from_directory(tmp_path / "1_Pooling")


def test_progress_callback_and_async(backend, minilm):
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=32)
    texts = [f"text number {i} " * (i % 5 + 1) for i in range(70)]
    seen: list[tuple[int, int]] = []
    got = emb.embed(texts, batch_size=8, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (70, 70)
    assert all(t == 70 for _, t in seen) and [d for d, _ in seen] == sorted({d for d, _ in seen})
    assert all(d % 8 == 0 or d == 70 for d, _ in seen)
    async_got = asyncio.run(emb.embed_async(texts, batch_size=8))
    np.testing.assert_array_equal(async_got, got)
    assert asyncio.run(emb.embed_async("one")).shape == (384,)


def test_bad_input_fails_before_work(backend, minilm):
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=32)
    with pytest.raises(ValueError, match="texts is empty"):
        emb.embed([])
    with pytest.raises(TypeError, match=r"texts\[1\] is int, not str"):
        emb.embed(["a", 1])
    with pytest.raises(TypeError, match="not bytes"):
        emb.embed(b"abc")
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        emb.embed(["a"], batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an int, not bool"):
        emb.embed(["a"], batch_size=True)
    with pytest.raises(ValueError, match="num_threads must be between 1 and 1024"):
        emb.embed(["a"], num_threads=5000)
    with pytest.raises(TypeError, match="progress must be"):
        emb.embed(["a"], progress="yes")
    with pytest.raises(ValueError, match="pooling must be 'mean', 'cls' or 'max'"):
        TextEmbedder(minilm.model, minilm.tokenizer_json, pooling="sum")
    with pytest.raises(ValueError, match="max_length must be at least 1"):
        TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=0)
    with pytest.raises(ValueError, match="the model does not take sequences that long"):
        TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=1000)


# ---- small hand-built encoders ---------------------------------------------------------------------------------
def toy_encoder(vocab_rows: int, dim: int = 8, int32: bool = False, extra_input: bool = False) -> tuple[bytes, np.ndarray]:
    """token vectors = table[input_ids] * attention_mask (+ token_type_ids), a Gather a text embedder can drive."""
    elem = TensorProto.INT32 if int32 else TensorProto.INT64
    table = np.random.default_rng(vocab_rows).normal(size=(vocab_rows, dim)).astype(np.float32)
    nodes = [helper.make_node("Gather", ["table", "input_ids"], ["g"]),
             helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
             helper.make_node("Unsqueeze", ["m", "axes"], ["m3"]),
             helper.make_node("Mul", ["g", "m3"], ["last_hidden_state"])]
    inputs = [onnx_models.vi("input_ids", elem, ["batch", "seq"]), onnx_models.vi("attention_mask", elem, ["batch", "seq"])]
    if extra_input:
        inputs.append(onnx_models.vi("pixel_values", TensorProto.FLOAT, ["batch", 3]))
        nodes.append(helper.make_node("Identity", ["pixel_values"], ["pv"]))
    outputs = [onnx_models.vi("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", dim])]
    if extra_input:
        outputs.append(onnx_models.vi("pv", TensorProto.FLOAT, ["batch", 3]))
    inits = [numpy_helper.from_array(table, "table"), numpy_helper.from_array(np.array([2], np.int64), "axes")]
    return onnx_models.model_bytes(nodes, inputs, outputs, inits), table


@pytest.mark.parametrize("int32", [False, True])
@pytest.mark.parametrize("pooling", ["mean", "cls", "max"])
def test_toy_encoder_matches_numpy(backend, minilm, int32, pooling):
    model, table = toy_encoder(30522, int32=int32)
    emb = TextEmbedder(model, minilm.tokenizer_json, pooling=pooling, normalize=pooling == "mean", max_length=12)
    texts = ["hello world", "a much longer sentence that will be cut at twelve tokens for sure", "", "x"]
    got = emb.embed(texts, batch_size=3)
    tok = aotml.tokenizers.Tokenizer.from_file(minilm.tokenizer_json)
    tok.enable_truncation(12)
    for text, row in zip(texts, got):
        ids = tok.encode(text).ids
        vecs = table[ids].astype(np.float64)
        want = {"mean": vecs.mean(0), "cls": vecs[0], "max": vecs.max(0)}[pooling]
        if pooling == "mean":
            want = want / np.linalg.norm(want)
        np.testing.assert_allclose(row, want, rtol=1e-5, atol=1e-6)


def test_models_a_text_embedder_cannot_drive(backend, minilm):
    small, _ = toy_encoder(100)
    with pytest.raises(ValueError, match=r"vocabulary is larger than the model's embedding table.*30521"):
        TextEmbedder(small, minilm.tokenizer_json)
    extra, _ = toy_encoder(30522, extra_input=True)
    with pytest.raises(ValueError, match="requires input 'pixel_values'"):
        TextEmbedder(extra, minilm.tokenizer_json)
    with pytest.raises(ValueError, match=r"requires input 'X'.*Its inputs are: X: tensor\(float\)\[1,16\]"):
        TextEmbedder(onnx_models.add_one(), minilm.tokenizer_json)
    ids_only = onnx_models.model_bytes([helper.make_node("Identity", ["input_ids"], ["y"])],
                                       [onnx_models.vi("input_ids", TensorProto.INT64, ["batch", "seq"])],
                                       [onnx_models.vi("y", TensorProto.INT64, ["batch", "seq"])])
    with pytest.raises(ValueError, match=r"no float output of rank 3"):
        TextEmbedder(ids_only, minilm.tokenizer_json)


CHILD = """
    import sys, time
    import aotml
    emb = aotml.TextEmbedder({model!r}, {tokenizer!r}, max_length=256)
    texts = ["the quick brown fox jumps over the lazy dog " * 40] * 4000
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        emb.embed(texts, batch_size=8, num_threads=1)
    except KeyboardInterrupt:
        print("interrupted", round(time.monotonic() - t0, 2), flush=True)
        sys.exit(0)
    print("finished", round(time.monotonic() - t0, 2), flush=True)
"""


def test_ctrl_c_stops_a_long_embed(backend, minilm):
    code = textwrap.dedent(CHILD.format(model=str(minilm.model), tokenizer=str(minilm.tokenizer_json)))
    assert_ctrl_c_stops(code, backend, settle=1.5, within=2.0)  # settle: past tokenization, into the model runs


def test_progress_true_draws_a_bar_or_a_line(backend, minilm, capsys, monkeypatch):
    emb = TextEmbedder(minilm.model, minilm.tokenizer_json, max_length=16)
    texts = [f"text {i}" for i in range(20)]
    try:
        import tqdm  # noqa: F401
    except ImportError:
        pass
    else:
        emb.embed(texts, batch_size=8, progress=True)
        assert "20/20" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    emb.embed(texts, batch_size=8, progress=True)
    assert capsys.readouterr().err.endswith("embedding: 20/20 texts\n")
