"""Decoders (HF's ``tokenizers.decoders``): each holds its tokenizer.json object."""
from __future__ import annotations

from typing import Any, ClassVar

from ._component import Component, component_list, from_json, init, pattern_json

__all__ = ["Decoder", "BPEDecoder", "ByteFallback", "ByteLevel", "CTC", "Fuse", "Metaspace", "Replace", "Sequence",
           "Strip", "WordPiece"]


class Decoder(Component):
    """Base class of the decoders."""

    _registry: ClassVar[dict[str, type[Component]]] = {}

    def decode(self, tokens: list[str]) -> str:
        raise NotImplementedError("aotml runs decoders inside the engine only; use Tokenizer.decode instead")


class BPEDecoder(Decoder):
    """Joins tokens, turning the end-of-word suffix into spaces."""

    def __init__(self, suffix: str = "</w>") -> None:
        init(self, "BPEDecoder", suffix=suffix)


class ByteFallback(Decoder):
    """Turns <0xXX> tokens back into bytes."""

    def __init__(self) -> None:
        init(self, "ByteFallback")


class ByteLevel(Decoder):
    """Maps ByteLevel characters back to bytes."""

    def __init__(self, add_prefix_space: bool = True, trim_offsets: bool = True, use_regex: bool = True) -> None:
        init(self, "ByteLevel", add_prefix_space=add_prefix_space, trim_offsets=trim_offsets, use_regex=use_regex)


class CTC(Decoder):
    """CTC: merges repeats, drops the pad token, turns the word delimiter into spaces."""

    def __init__(self, pad_token: str = "<pad>", word_delimiter_token: str = "|", cleanup: bool = True) -> None:
        init(self, "CTC", pad_token=pad_token, word_delimiter_token=word_delimiter_token, cleanup=cleanup)


class Fuse(Decoder):
    """Joins all tokens into one."""

    def __init__(self) -> None:
        init(self, "Fuse")


class Metaspace(Decoder):
    """Turns the Metaspace replacement back into spaces."""

    def __init__(self, replacement: str = "\u2581", prepend_scheme: str = "always", split: bool = True) -> None:
        if prepend_scheme not in ("always", "never", "first"):
            raise ValueError(f"{prepend_scheme} is an unknown variant, should be one of ['first', 'never', 'always']")
        init(self, "Metaspace", replacement=replacement, prepend_scheme=prepend_scheme, split=split)


class Replace(Decoder):
    """Replaces a pattern in each token."""

    def __init__(self, pattern: Any, content: str) -> None:
        init(self, "Replace", pattern=pattern_json(pattern), content=content)


class Sequence(Decoder):
    """Runs decoders in order."""

    def __init__(self, decoders: list[Decoder]) -> None:
        init(self, "Sequence", decoders=component_list(decoders, Decoder, "decoders"))

    def __getitem__(self, i: int) -> Decoder:
        return from_json(Decoder, self._json["decoders"][i])  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._json["decoders"])


class Strip(Decoder):
    """Strips up to left/right copies of content from each token."""

    def __init__(self, content: str = " ", left: int = 0, right: int = 0) -> None:
        init(self, "Strip", content=content, start=left, stop=right)


class WordPiece(Decoder):
    """Joins WordPiece tokens, removing the continuing prefix."""

    def __init__(self, prefix: str = "##", cleanup: bool = True) -> None:
        init(self, "WordPiece", prefix=prefix, cleanup=cleanup)
