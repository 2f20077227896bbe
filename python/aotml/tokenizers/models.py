"""Models (HF's ``tokenizers.models``): BPE, WordPiece, WordLevel, Unigram, each holding its tokenizer.json object."""
from __future__ import annotations

import json
from typing import Any, ClassVar

from ._component import Component, init

__all__ = ["Model", "BPE", "Unigram", "WordLevel", "WordPiece"]


def _vocab(vocab: Any) -> dict[str, int]:
    if vocab is None:
        return {}
    if isinstance(vocab, str):
        raise TypeError("vocab as a file path: use Model.from_file(path)")
    return {str(k): int(v) for k, v in dict(vocab).items()}


class Model(Component):
    """Base class of the models."""

    _registry: ClassVar[dict[str, type[Component]]] = {}

    def get_trainer(self) -> Any:
        raise NotImplementedError("aotml does not train tokenizers")


class BPE(Model):
    """Byte-pair encoding with a vocabulary and merges."""

    def __init__(self, vocab: Any = None, merges: Any = None, cache_capacity: int | None = None,
                 dropout: float | None = None, unk_token: str | None = None,
                 continuing_subword_prefix: str | None = None, end_of_word_suffix: str | None = None,
                 fuse_unk: bool | None = None, byte_fallback: bool | None = None,
                 ignore_merges: bool | None = None) -> None:
        if dropout is not None and not 0.0 <= dropout <= 1.0:
            raise ValueError("Error while initializing BPE: dropout should be between 0 and 1, inclusive")
        init(self, "BPE", dropout=dropout, unk_token=unk_token, continuing_subword_prefix=continuing_subword_prefix,
             end_of_word_suffix=end_of_word_suffix, fuse_unk=bool(fuse_unk), byte_fallback=bool(byte_fallback),
             ignore_merges=bool(ignore_merges), vocab=_vocab(vocab),
             merges=[[a, b] for a, b in (merges or [])])

    @classmethod
    def from_file(cls, vocab: str, merges: str, **kwargs: Any) -> "BPE":
        """A BPE from a vocab.json and a merges.txt."""
        v, m = cls.read_file(vocab, merges)
        return cls(v, m, **kwargs)

    @staticmethod
    def read_file(vocab: str, merges: str) -> tuple[dict[str, int], list[tuple[str, str]]]:
        """(vocab, merges) read from a vocab.json and a merges.txt."""
        with open(vocab, encoding="utf-8") as f:
            v = json.load(f)
        pairs = []
        with open(merges, encoding="utf-8") as f:
            for n, line in enumerate(f):
                line = line.rstrip("\n")
                if (n == 0 and line.startswith("#version")) or not line:
                    continue
                parts = line.split(" ")
                if len(parts) != 2:
                    raise ValueError(f"Merges text file invalid at line {n + 1}")
                pairs.append((parts[0], parts[1]))
        return v, pairs


class WordPiece(Model):
    """WordPiece: greedy longest-match-first with a continuing-subword prefix."""

    def __init__(self, vocab: Any = None, unk_token: str = "[UNK]", max_input_chars_per_word: int = 100,
                 continuing_subword_prefix: str = "##") -> None:
        init(self, "WordPiece", unk_token=unk_token, continuing_subword_prefix=continuing_subword_prefix,
             max_input_chars_per_word=max_input_chars_per_word, vocab=_vocab(vocab))

    @classmethod
    def from_file(cls, vocab: str, **kwargs: Any) -> "WordPiece":
        """A WordPiece from a vocab.txt (one token a line)."""
        return cls(cls.read_file(vocab), **kwargs)

    @staticmethod
    def read_file(vocab: str) -> dict[str, int]:
        """vocab.txt's tokens, id = line number."""
        with open(vocab, encoding="utf-8") as f:
            return {line.rstrip("\n"): i for i, line in enumerate(f)}


class WordLevel(Model):
    """Whole-word look-up."""

    def __init__(self, vocab: Any = None, unk_token: str | None = None) -> None:
        init(self, "WordLevel", vocab=_vocab(vocab), unk_token=unk_token if unk_token is not None else "<unk>")

    @classmethod
    def from_file(cls, vocab: str, unk_token: str | None = None) -> "WordLevel":
        """A WordLevel from a vocab.json."""
        with open(vocab, encoding="utf-8") as f:
            return cls(json.load(f), unk_token)

    @staticmethod
    def read_file(vocab: str) -> dict[str, int]:
        with open(vocab, encoding="utf-8") as f:
            return json.load(f)  # type: ignore[no-any-return]


class Unigram(Model):
    """SentencePiece's unigram model (Viterbi over piece scores)."""

    def __init__(self, vocab: Any = None, unk_id: int | None = None, byte_fallback: bool | None = None) -> None:
        pieces = [[str(p), float(s)] for p, s in (vocab or [])]
        if unk_id is not None and not 0 <= unk_id < max(1, len(pieces)):
            raise ValueError("Error while initializing Unigram: Unk id is out of range")
        init(self, "Unigram", unk_id=unk_id, vocab=pieces, byte_fallback=bool(byte_fallback))
