"""Pre-tokenizers (HF's ``tokenizers.pre_tokenizers``): each holds its tokenizer.json object."""
from __future__ import annotations

from typing import Any, ClassVar

from ._component import Component, component_list, from_json, init, pattern_json

__all__ = ["PreTokenizer", "BertPreTokenizer", "ByteLevel", "CharDelimiterSplit", "Digits", "FixedLength", "Metaspace",
           "Punctuation", "Sequence", "Split", "UnicodeScripts", "Whitespace", "WhitespaceSplit"]

# HF's Python names of split behaviours -> tokenizer.json's.
_BEHAVIORS = {"removed": "Removed", "isolated": "Isolated", "merged_with_previous": "MergedWithPrevious",
              "merged_with_next": "MergedWithNext", "contiguous": "Contiguous"}
_PREPEND = ("always", "never", "first")


def _behavior(value: str) -> str:
    if value not in _BEHAVIORS:
        raise ValueError(f"Wrong value for SplitDelimiterBehavior, expected one of: "
                         f"`removed, isolated, merged_with_previous, merged_with_next, contiguous`")
    return _BEHAVIORS[value]


class PreTokenizer(Component):
    """Base class of the pre-tokenizers."""

    _registry: ClassVar[dict[str, type[Component]]] = {}

    def pre_tokenize_str(self, sequence: str) -> list[tuple[str, tuple[int, int]]]:
        raise NotImplementedError("aotml runs pre-tokenizers inside the engine only; encode with a Tokenizer instead")


class BertPreTokenizer(PreTokenizer):
    """Splits on whitespace and isolates punctuation."""

    def __init__(self) -> None:
        init(self, "BertPreTokenizer")


class ByteLevel(PreTokenizer):
    """GPT-2's byte-level split and byte-to-character mapping."""

    def __init__(self, add_prefix_space: bool = True, use_regex: bool = True, trim_offsets: bool = True) -> None:
        init(self, "ByteLevel", add_prefix_space=add_prefix_space, trim_offsets=trim_offsets, use_regex=use_regex)

    @staticmethod
    def alphabet() -> list[str]:
        """The 256 characters ByteLevel maps bytes to."""
        keep = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
        chars = [chr(b) for b in keep]
        chars += [chr(0x100 + n) for n in range(256 - len(keep))]
        return chars


class CharDelimiterSplit(PreTokenizer):
    """Splits on one character, removing it."""

    def __init__(self, delimiter: str) -> None:
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            raise ValueError("expected a string of 1 char")
        init(self, "CharDelimiterSplit", delimiter=delimiter)


class Digits(PreTokenizer):
    """Isolates digits (each one, or runs)."""

    def __init__(self, individual_digits: bool = False) -> None:
        init(self, "Digits", individual_digits=individual_digits)


class FixedLength(PreTokenizer):
    """Splits into pieces of a fixed number of characters."""

    def __init__(self, length: int = 5) -> None:
        init(self, "FixedLength", length=length)


class Metaspace(PreTokenizer):
    """SentencePiece's space replacement (and split on it)."""

    def __init__(self, replacement: str = "\u2581", prepend_scheme: str = "always", split: bool = True) -> None:
        if not isinstance(replacement, str) or len(replacement) != 1:
            raise ValueError("replacement must be a single character")
        if prepend_scheme not in _PREPEND:
            raise ValueError(f"{prepend_scheme} is an unknown variant, should be one of ['first', 'never', 'always']")
        init(self, "Metaspace", replacement=replacement, prepend_scheme=prepend_scheme, split=split)


class Punctuation(PreTokenizer):
    """Splits punctuation with a behaviour."""

    def __init__(self, behavior: str = "isolated") -> None:
        init(self, "Punctuation", behavior=_behavior(behavior))


class Sequence(PreTokenizer):
    """Runs pre-tokenizers in order."""

    def __init__(self, pretokenizers: list[PreTokenizer]) -> None:
        init(self, "Sequence", pretokenizers=component_list(pretokenizers, PreTokenizer, "pretokenizers"))

    def __getitem__(self, i: int) -> PreTokenizer:
        return from_json(PreTokenizer, self._json["pretokenizers"][i])  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._json["pretokenizers"])


class Split(PreTokenizer):
    """Splits on a string or regex pattern with a behaviour."""

    def __init__(self, pattern: Any, behavior: str, invert: bool = False) -> None:
        init(self, "Split", pattern=pattern_json(pattern), behavior=_behavior(behavior), invert=invert)


class UnicodeScripts(PreTokenizer):
    """Splits where the Unicode script changes."""

    def __init__(self) -> None:
        init(self, "UnicodeScripts")


class Whitespace(PreTokenizer):
    """Splits into word characters and runs of other non-space characters."""

    def __init__(self) -> None:
        init(self, "Whitespace")


class WhitespaceSplit(PreTokenizer):
    """Splits on whitespace."""

    def __init__(self) -> None:
        init(self, "WhitespaceSplit")
