"""Sentence embeddings in one engine call: texts → tokenizer → ONNX model → masked pooling → L2 normalization.

```python
emb = aotml.TextEmbedder("model.onnx", "tokenizer.json", pooling="mean", normalize=True, max_length=256)
vectors = emb.embed(texts, batch_size=32, num_threads=2, progress=True)   # float32 [len(texts), emb.dimension]
```

The engine tokenizes on ``num_threads`` threads, runs texts of similar length together (little padding), pools each
text's token vectors under its attention mask and writes row i for text i straight into the result array. An
embedder pickles by content (model bytes, tokenizer.json, settings), so it travels to multiprocessing and Dask workers.
"""
from __future__ import annotations

import asyncio
import html
import json
import operator
import os
import sys
import threading
import warnings
from collections import abc as _abc
from pathlib import Path
from typing import Any

import numpy as np

from . import _backend, _cancel, _handles
from .onnxruntime import InferenceSession, SessionOptions
from .tokenizers import Tokenizer

__all__ = ["TextEmbedder", "TruncationWarning"]

_POOLINGS = {"mean": 0, "cls": 1, "max": 2}


class TruncationWarning(UserWarning):
    """Some texts had more tokens than the embedder's max_length; only their first max_length tokens were embedded."""


def _int(value: object, name: str, low: int) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        v = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None
    if v < low:
        raise ValueError(f"{name} must be at least {low}, got {v}")
    return v


def _texts(texts: object) -> tuple[list[str], bool]:
    """The texts as a list, and whether one str was given; TypeError or ValueError before any work."""
    if isinstance(texts, str):
        return [texts], True
    if isinstance(texts, (bytes, bytearray, memoryview)):
        raise TypeError("texts must be a str or a sequence of str, not bytes; decode them first")
    if not isinstance(texts, _abc.Iterable):
        raise TypeError(f"texts must be a str or a sequence of str, not {type(texts).__name__}")
    items = list(texts)
    if not items:
        raise ValueError("texts is empty; pass at least one text")
    for i, t in enumerate(items):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__}, not str")
    return items, False


class _Progress:
    """Reports (done, total) to a callable or a tqdm bar, from the thread that waits for the engine."""

    def __init__(self, progress: Any, total: int) -> None:
        self.total, self.done = total, 0
        self.bar: Any = None
        self.callback: _abc.Callable[[int, int], object] | None = None
        self.counter = np.zeros(1, np.int64)  # the engine writes the number of texts done here after each batch
        if progress is True:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped,import,unused-ignore]
            except ImportError:
                self.callback = self._text
            else:
                self.bar = tqdm(total=total, unit="text", desc="embedding")
        elif callable(progress):
            self.callback = progress
        elif progress not in (False, None):
            raise TypeError(f"progress must be a bool or a callable(done, total), not {type(progress).__name__}")

    @property
    def active(self) -> bool:
        return self.bar is not None or self.callback is not None

    def _text(self, done: int, total: int) -> None:
        sys.stderr.write(f"\rembedding: {done}/{total} texts" + ("\n" if done == total else ""))
        sys.stderr.flush()

    def poll(self) -> None:
        done = int(self.counter[0])
        if done != self.done:
            if self.bar is not None:
                self.bar.update(done - self.done)
            self.done = done
            if self.callback is not None:
                self.callback(done, self.total)

    def close(self, finished: bool) -> None:
        if finished:
            self.counter[0] = self.total
            self.poll()
        if self.bar is not None:
            self.bar.close()


class TextEmbedder:
    """Texts to sentence vectors with an ONNX text encoder (BERT-style: input_ids, attention_mask, token_type_ids).

    ``model``: a path to model.onnx, its bytes, or an ``aotml.onnxruntime.InferenceSession``; ``tokenizer``: a path to
    tokenizer.json or an ``aotml.tokenizers.Tokenizer``. ``pooling``: "mean" (sentence-transformers' default), "cls"
    or "max"; ``normalize``: L2-normalize the vectors (cosine similarity is then a dot product); ``max_length``: the
    most tokens, special ones included, a text keeps (longer texts are cut and a TruncationWarning says how many).

    The model is checked when the embedder is made: its inputs must be what a text encoder takes, and it is run once
    on ``max_length`` copies of the tokenizer's largest id, so a vocabulary larger than the model's embedding table
    or a max_length the model cannot take fails here with a clear error instead of in the middle of a large job.
    """

    def __init__(self, model: str | os.PathLike[str] | bytes | InferenceSession,
                 tokenizer: str | os.PathLike[str] | Tokenizer, pooling: str = "mean", normalize: bool = True,
                 max_length: int = 256, *, sess_options: SessionOptions | None = None) -> None:
        if not isinstance(pooling, str) or pooling.lower() not in _POOLINGS:
            raise ValueError(f"pooling must be 'mean', 'cls' or 'max', got {pooling!r}")
        if not isinstance(normalize, bool):
            raise TypeError(f"normalize must be a bool, not {type(normalize).__name__}")
        self._pooling = pooling.lower()
        self._normalize = normalize
        self._max_length = _int(max_length, "max_length", 1)
        if isinstance(model, InferenceSession):
            if sess_options is not None:
                raise ValueError("sess_options applies to a model given by path or bytes, not to a session")
            self._session = model
        elif isinstance(model, (str, os.PathLike, bytes, bytearray, memoryview)):
            self._session = InferenceSession(model, sess_options, providers=["CPUExecutionProvider"])
        else:
            raise TypeError(f"model must be a path, bytes or an aotml.onnxruntime.InferenceSession, "
                            f"not {type(model).__name__}")
        if isinstance(tokenizer, Tokenizer):
            self._tokenizer = tokenizer
        elif isinstance(tokenizer, (str, os.PathLike)):
            self._tokenizer = Tokenizer.from_file(tokenizer)
        else:
            raise TypeError(f"tokenizer must be a path to tokenizer.json or an aotml.tokenizers.Tokenizer, "
                            f"not {type(tokenizer).__name__}")
        self._lock = threading.Lock()
        self._build()

    def _build(self) -> None:
        """The native embedder over the current native tokenizer and session (both kept alive by their owners here)."""
        tok_owner, sess_owner = self._tokenizer._owner, self._session._owner
        if sess_owner is None:
            raise ValueError("the session has been closed")
        impl = _backend.impl
        self._owner = _handles.own(impl.embedder_new(tok_owner.h, sess_owner.h, _POOLINGS[self._pooling],
                                                     self._normalize, self._max_length))
        self._parts = (tok_owner, sess_owner)
        self._dimension: int = impl.embedder_info(self._owner.h)

    def _current(self) -> Any:
        """The native embedder's handle, rebuilt first if the tokenizer or the session was changed since."""
        with self._lock:
            if self._parts != (self._tokenizer._owner, self._session._owner):
                self._build()
            return self._owner

    @classmethod
    def from_directory(cls, directory: str | os.PathLike[str], **kwargs: Any) -> "TextEmbedder":
        """An embedder from a model directory: model.onnx (or onnx/model.onnx) and tokenizer.json, with the
        sentence-transformers settings when their files are there (1_Pooling/config.json: pooling;
        sentence_bert_config.json: max_seq_length; modules.json: a Normalize module). Keyword arguments win."""
        d = Path(directory)
        if not d.is_dir():
            raise FileNotFoundError(f"{d} is not a directory")
        model = next((p for p in (d / "model.onnx", d / "onnx" / "model.onnx") if p.is_file()), None)
        if model is None:
            raise FileNotFoundError(f"no model.onnx in {d} (nor in {d / 'onnx'})")
        if not (d / "tokenizer.json").is_file():
            raise FileNotFoundError(f"no tokenizer.json in {d}")
        settings: dict[str, Any] = {}
        pooling_config = d / "1_Pooling" / "config.json"
        if pooling_config.is_file():
            cfg = json.loads(pooling_config.read_text("utf-8"))
            for key, name in (("pooling_mode_cls_token", "cls"), ("pooling_mode_max_tokens", "max"),
                              ("pooling_mode_mean_tokens", "mean")):
                if cfg.get(key):
                    settings["pooling"] = name
        bert_config = d / "sentence_bert_config.json"
        if bert_config.is_file():
            length = json.loads(bert_config.read_text("utf-8")).get("max_seq_length")
            if isinstance(length, int):
                settings["max_length"] = length
        modules = d / "modules.json"
        if modules.is_file():
            kinds = [m.get("type", "") for m in json.loads(modules.read_text("utf-8"))]
            settings["normalize"] = any(k.endswith(".Normalize") for k in kinds)
        settings.update(kwargs)
        return cls(model, d / "tokenizer.json", **settings)

    # ---- properties ------------------------------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return self._dimension

    @property
    def max_length(self) -> int:
        """The most tokens (special ones included) a text keeps."""
        return self._max_length

    @property
    def pooling(self) -> str:
        """"mean", "cls" or "max"."""
        return self._pooling

    @property
    def normalize(self) -> bool:
        """Whether vectors are L2-normalized."""
        return self._normalize

    @property
    def session(self) -> InferenceSession:
        """The ONNX Runtime session (aotml.onnxruntime)."""
        return self._session

    @property
    def tokenizer(self) -> Tokenizer:
        """The tokenizer (aotml.tokenizers); changing it changes what later embed calls do."""
        return self._tokenizer

    # ---- embedding -------------------------------------------------------------------------------------------------
    def _prepare(self, texts: object, batch_size: object, num_threads: object) -> tuple[list[str], bool, Any, int, int]:
        items, single = _texts(texts)
        b = _int(batch_size, "batch_size", 1)
        t = _int(num_threads, "num_threads", 1)
        if t > 1024:
            raise ValueError(f"num_threads must be between 1 and 1024, got {t}")
        return items, single, np.empty((len(items), self._dimension), np.float32), b, t

    def _finish(self, out: Any, single: bool, truncated: int, n: int) -> Any:
        if truncated:
            warnings.warn(f"{truncated} of {n} texts had more than max_length={self._max_length} tokens and were "
                          "truncated; raise max_length (up to what the model takes) to embed more of them",
                          TruncationWarning, stacklevel=3)
        return out[0] if single else out

    def embed(self, texts: str | _abc.Iterable[str], batch_size: int = 32, num_threads: int = 2,
              progress: bool | _abc.Callable[[int, int], object] = False) -> Any:
        """Vectors for ``texts``: float32 [len(texts), dimension] in the caller's order (a str gives [dimension]).

        One engine call without the GIL. ``batch_size`` texts run through the model together (texts of similar
        length share a batch); ``num_threads`` threads tokenize. ``progress=True`` shows a tqdm bar (a line on
        stderr without tqdm); a callable is called as ``progress(done, total)`` from this thread. Ctrl-C stops the
        call within a batch and raises KeyboardInterrupt.
        """
        items, single, out, b, t = self._prepare(texts, batch_size, num_threads)
        report = _Progress(progress, len(items))
        owner = self._current()
        impl = _backend.impl
        counter = report.counter if report.active else None
        finished = False
        try:
            # Always cancellable: a model run is long even for a few texts.
            truncated = _cancel.call(lambda token: impl.embedder_embed(owner.h, items, b, t, token, counter, out),
                                     _cancel.MIN_CANCELLABLE_COST, report.poll if report.active else None)
            finished = True
        finally:
            report.close(finished)
        return self._finish(out, single, truncated, len(items))

    async def embed_async(self, texts: str | _abc.Iterable[str], batch_size: int = 32, num_threads: int = 2,
                          progress: bool | _abc.Callable[[int, int], object] = False) -> Any:
        """``embed`` on a worker thread, awaitable: the event loop keeps running; cancelling the task stops the
        engine between (or within) batches."""
        items, single, out, b, t = self._prepare(texts, batch_size, num_threads)
        report = _Progress(progress, len(items))
        owner = self._current()
        impl = _backend.impl
        token = _handles.own(impl.cancel_new())
        counter = report.counter if report.active else None

        def work() -> int:
            # token and owner stay referenced here until the engine returns, even if the task was cancelled.
            return impl.embedder_embed(owner.h, items, b, t, token.h, counter, out)  # type: ignore[no-any-return]

        future = asyncio.get_running_loop().run_in_executor(None, work)
        finished = False
        try:
            while True:
                done, _ = await asyncio.wait({future}, timeout=_cancel._POLL_S)
                if report.active:
                    report.poll()
                if done:
                    break
            truncated = future.result()
            finished = True
        except BaseException:
            impl.cancel_set(token.h)
            raise
        finally:
            report.close(finished)
        return self._finish(out, single, truncated, len(items))

    # ---- pickling and display --------------------------------------------------------------------------------------
    def _model_bytes(self) -> bytes:
        s = self._session
        if s._model is not None:
            return s._model
        assert s._path is not None
        return Path(s._path).read_bytes()

    def __reduce__(self) -> Any:
        return (_restore, (self._model_bytes(), self._tokenizer.to_str(), self._pooling, self._normalize,
                           self._max_length))

    def _source(self) -> str:
        path = self._session._path
        return os.path.basename(path) if path else f"<{len(self._session._model or b'')} bytes>"

    def __repr__(self) -> str:
        return (f"TextEmbedder(model={self._source()!r}, dimension={self._dimension}, pooling={self._pooling!r}, "
                f"normalize={self._normalize}, max_length={self._max_length})")

    def _repr_html_(self) -> str:
        rows = [("model", self._session._path or self._source()), ("dimension", self._dimension),
                ("pooling", self._pooling), ("normalize", self._normalize), ("max_length", self._max_length),
                ("vocabulary", self._tokenizer.get_vocab_size(with_added_tokens=True))]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                       f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return f"<div><strong>aotml.TextEmbedder</strong><table>{body}</table></div>"


def _restore(model: bytes, tokenizer_json: str, pooling: str, normalize: bool, max_length: int) -> TextEmbedder:
    return TextEmbedder(model, Tokenizer.from_str(tokenizer_json), pooling, normalize, max_length)
