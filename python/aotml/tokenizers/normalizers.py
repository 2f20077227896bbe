"""Normalizers (HF's ``tokenizers.normalizers``): each holds its tokenizer.json object."""
from __future__ import annotations

import base64
from typing import Any, ClassVar

from ._component import Component, component_list, init, pattern_json

__all__ = ["Normalizer", "BertNormalizer", "ByteLevel", "Lowercase", "NFC", "NFD", "NFKC", "NFKD", "Nmt", "Precompiled",
           "Prepend", "Replace", "Sequence", "Strip", "StripAccents"]


class Normalizer(Component):
    """Base class of the normalizers."""

    _registry: ClassVar[dict[str, type[Component]]] = {}

    def normalize_str(self, sequence: str) -> str:
        raise NotImplementedError("aotml runs normalizers inside the engine only; encode with a Tokenizer instead")


class BertNormalizer(Normalizer):
    """BERT's cleaning, Chinese-character spacing, accent stripping and lowercasing."""

    def __init__(self, clean_text: bool = True, handle_chinese_chars: bool = True, strip_accents: bool | None = None,
                 lowercase: bool = True) -> None:
        init(self, "BertNormalizer", clean_text=clean_text, handle_chinese_chars=handle_chinese_chars,
             strip_accents=strip_accents, lowercase=lowercase)


class Strip(Normalizer):
    """Strips whitespace on the left and/or right."""

    def __init__(self, left: bool = True, right: bool = True) -> None:
        init(self, "Strip", strip_left=left, strip_right=right)


class StripAccents(Normalizer):
    """Removes combining marks (use after NFD or NFKD)."""

    def __init__(self) -> None:
        init(self, "StripAccents")


class NFC(Normalizer):
    """Unicode NFC."""

    def __init__(self) -> None:
        init(self, "NFC")


class NFD(Normalizer):
    """Unicode NFD."""

    def __init__(self) -> None:
        init(self, "NFD")


class NFKC(Normalizer):
    """Unicode NFKC."""

    def __init__(self) -> None:
        init(self, "NFKC")


class NFKD(Normalizer):
    """Unicode NFKD."""

    def __init__(self) -> None:
        init(self, "NFKD")


class Lowercase(Normalizer):
    """Lowercases."""

    def __init__(self) -> None:
        init(self, "Lowercase")


class Nmt(Normalizer):
    """SentencePiece's NMT normalization (control characters removed, spaces unified)."""

    def __init__(self) -> None:
        init(self, "Nmt")


class Precompiled(Normalizer):
    """A SentencePiece precompiled character map."""

    def __init__(self, precompiled_charsmap: bytes) -> None:
        if not isinstance(precompiled_charsmap, (bytes, bytearray, memoryview)):
            raise TypeError("precompiled_charsmap must be bytes")
        init(self, "Precompiled", precompiled_charsmap=base64.b64encode(bytes(precompiled_charsmap)).decode("ascii"))


class Replace(Normalizer):
    """Replaces a string or regex pattern with content."""

    def __init__(self, pattern: Any, content: str) -> None:
        init(self, "Replace", pattern=pattern_json(pattern), content=content)


class Prepend(Normalizer):
    """Prepends a string to non-empty text."""

    def __init__(self, prepend: str) -> None:
        init(self, "Prepend", prepend=prepend)


class ByteLevel(Normalizer):
    """Maps every byte to its ByteLevel character."""

    def __init__(self) -> None:
        init(self, "ByteLevel")


class Sequence(Normalizer):
    """Runs normalizers in order."""

    def __init__(self, normalizers: list[Normalizer]) -> None:
        init(self, "Sequence", normalizers=component_list(normalizers, Normalizer, "normalizers"))

    def __getitem__(self, i: int) -> Normalizer:
        from ._component import from_json
        return from_json(Normalizer, self._json["normalizers"][i])  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._json["normalizers"])
