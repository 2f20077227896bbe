"""Notebook and console views: ``_repr_html_`` and ``__repr__`` of Tokenizer, InferenceSession, tiktoken's Encoding
and TextEmbedder. The HTML must be well-formed (every tag closed in order, checked with html.parser) and show the
values the object itself reports, on both backends."""
from __future__ import annotations

import html.parser
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper
import pytest

import aotml
import aotml.onnxruntime as ort
import aotml.tiktoken as tiktoken
import aotml.tokenizers as tokenizers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import material  # noqa: E402

VOID = {"br", "hr", "img", "meta", "input", "col", "wbr"}


class _Checker(html.parser.HTMLParser):
    """Collects the text of a fragment and fails on a closing tag that does not close the innermost open one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:] or 'nothing'}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> tuple[str, list[str]]:
    """(the fragment's text, cells joined by '|'; its tags), after checking it is well-formed."""
    p = _Checker()
    p.feed(fragment)
    p.close()
    assert p.stack == [], f"unclosed tags: {p.stack}"
    return "|".join(p.text), p.tags


def test_tokenizer_repr_and_html(backend):
    tok = tokenizers.Tokenizer.from_file(material.tokenizer_json("llama3"))
    text, tags = parse(tok._repr_html_())
    assert "table" in tags and "aotml.tokenizers.Tokenizer" in text
    assert f"vocab_size|{tok.get_vocab_size(with_added_tokens=True)}" in text
    assert f"model|{type(tok.model).__name__}" in text  # BPE, read back from the model itself
    assert f"decoder|{type(tok.decoder).__name__}" in text
    assert "pre_tokenizer|Sequence[Split, ByteLevel]" in text and "normalizer|None" in text
    assert "truncation|None" in text and "padding|None" in text
    r = repr(tok)
    assert r.startswith("Tokenizer(model='BPE', vocab_size=128256,") and "padding=None)" in r

    bert = tokenizers.Tokenizer.from_file(material.minilm().tokenizer_json)
    bert.enable_truncation(64)
    bert.enable_padding(pad_token="[PAD]", length=80)
    text, _ = parse(bert._repr_html_())
    assert f"model|{type(bert.model).__name__}|" in text and "|30522|" in text
    assert f"normalizer|{type(bert.normalizer).__name__}" in text
    assert f"post_processor|{type(bert.post_processor).__name__}" in text
    assert "'max_length': 64" in text and "'length': 80" in text and "'pad_token': '[PAD]'" in text
    assert "max_length': 64" in repr(bert)


def test_tokenizer_html_escapes_added_tokens(backend):
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel({"<b>": 0, "a": 1}, unk_token="<b>"))
    tok.enable_padding(pad_token="</td><script>")
    out = tok._repr_html_()
    assert "<script>" not in out
    text, tags = parse(out)
    assert "script" not in tags and "</td><script>" in text and "model|WordLevel" in text


def _two_io_model() -> bytes:
    x = helper.make_tensor_value_info("tokens", TensorProto.INT64, ["batch", "seq"])
    w = helper.make_tensor_value_info("weights", TensorProto.FLOAT, [None, 3])
    y = helper.make_tensor_value_info("<y>", TensorProto.FLOAT, [None, 3])
    n = helper.make_tensor_value_info("n", TensorProto.INT64, ["batch", "seq"])
    graph = helper.make_graph([helper.make_node("Relu", ["weights"], ["<y>"]),
                               helper.make_node("Identity", ["tokens"], ["n"])], "g&raph", [x, w], [y, n])
    model = helper.make_model(graph, producer_name="repr-test", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model.SerializeToString()


def test_session_html(backend, tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(_two_io_model())
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    text, tags = parse(s._repr_html_())
    assert "aotml.onnxruntime.InferenceSession" in text and str(path) in text
    meta = s.get_modelmeta()
    assert (meta.producer_name, meta.graph_name) == ("repr-test", "g&raph")
    assert "producer|repr-test (graph g&raph)|" in text
    assert "|".join(s.get_providers()) in text
    for what, args in (("input", s.get_inputs()), ("output", s.get_outputs())):
        for a in args:
            assert f"{what}|{a.name}|{a.type}|" in text
    assert "input|tokens|tensor(int64)|[batch × seq]" in text and "input|weights|tensor(float)|[? × 3]" in text
    assert "output|<y>|tensor(float)" in text and tags.count("tr") == 3 + 4
    assert repr(s).startswith("InferenceSession(inputs=[NodeArg(name='tokens'")

    mem = ort.InferenceSession(path.read_bytes())
    text, _ = parse(mem._repr_html_())
    assert f"<{len(path.read_bytes())} bytes in memory>" in text
    np.testing.assert_array_equal(mem.run(["n"], {"tokens": np.ones((1, 2), np.int64),
                                                  "weights": np.ones((1, 3), np.float32)})[0], [[1, 1]])


def test_session_html_minilm(backend):
    m = material.minilm()
    s = ort.InferenceSession(str(m.model))
    text, _ = parse(s._repr_html_())
    names = [a.name for a in s.get_inputs()] + [a.name for a in s.get_outputs()]
    assert names[:3] == ["input_ids", "attention_mask", "token_type_ids"]
    assert all(f"|{n}|" in text for n in names)
    assert "output|last_hidden_state|tensor(float)|[batch × sequence × 384]" in text
    assert onnx.load(str(m.model)).producer_name in text


@pytest.mark.parametrize("name", ["cl100k_base", "gpt2"])
def test_tiktoken_encoding_html(backend, name):
    enc = tiktoken.get_encoding(name)
    text, tags = parse(enc._repr_html_())
    assert f"name|{enc.name}|" in text and f"n_vocab|{enc.n_vocab}|" in text
    assert f"special tokens|{len(enc.special_tokens_set)}|" in text
    assert text.endswith(f"pattern|{enc._pat_str}")  # the pattern's quotes and brackets come back unescaped
    assert repr(enc) == f"<Encoding {name!r}>"  # tiktoken's own repr, unchanged


def test_text_embedder_html(backend):
    m = material.minilm()
    emb = aotml.TextEmbedder(m.model, m.tokenizer_json, max_length=64)
    text, _ = parse(emb._repr_html_())
    assert f"dimension|{emb.dimension}|" in text and "max_length|64|" in text and str(m.model) in text
    assert repr(emb) == ("TextEmbedder(model='model.onnx', dimension=384, pooling='mean', normalize=True, "
                         "max_length=64)")
