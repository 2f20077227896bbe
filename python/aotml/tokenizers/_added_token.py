"""``AddedToken``: a token added to a tokenizer's vocabulary, with HF's matching flags."""
from __future__ import annotations

from typing import Any

__all__ = ["AddedToken"]


class AddedToken:
    """A token matched in text before the model runs (HF's ``tokenizers.AddedToken``): single_word only matches
    whole words, lstrip/rstrip swallow the whitespace beside it, normalized matches it in normalized text (default:
    not for special tokens), special marks it for skip_special_tokens."""

    __slots__ = ("content", "single_word", "lstrip", "rstrip", "normalized", "special")

    def __init__(self, content: str = "", single_word: bool = False, lstrip: bool = False, rstrip: bool = False,
                 normalized: bool | None = None, special: bool = False) -> None:
        if not isinstance(content, str):
            raise TypeError(f"content must be str, not {type(content).__name__}")
        self.content = content
        self.single_word = bool(single_word)
        self.lstrip = bool(lstrip)
        self.rstrip = bool(rstrip)
        self.special = bool(special)
        self.normalized = (not self.special) if normalized is None else bool(normalized)

    def __getstate__(self) -> dict[str, Any]:
        return {"content": self.content, "single_word": self.single_word, "lstrip": self.lstrip,
                "rstrip": self.rstrip, "normalized": self.normalized, "special": self.special}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k in self.__slots__:
            setattr(self, k, state[k])

    def __str__(self) -> str:
        return self.content

    def __repr__(self) -> str:
        b = lambda v: "True" if v else "False"  # noqa: E731
        return (f'AddedToken("{self.content}", rstrip={b(self.rstrip)}, lstrip={b(self.lstrip)}, '
                f"single_word={b(self.single_word)}, normalized={b(self.normalized)}, special={b(self.special)})")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AddedToken):
            return self.content == other.content
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.content)
