"""The base of the component classes (normalizers, pre-tokenizers, models, processors, decoders).

A component is its tokenizer.json object: the constructors take HF's keyword arguments and build the JSON HF writes
(same keys, same order); the engine builds the real component from it when a tokenizer is given one. Attributes read
and write the JSON's fields, as HF's getters and setters do.
"""
from __future__ import annotations

import copy
import json
from typing import Any, ClassVar

__all__ = ["Component", "Regex", "pattern_json", "from_json", "init", "component_list"]


class Regex:
    """A regular-expression pattern for Split, Replace (HF's ``tokenizers.Regex``)."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise TypeError(f"Regex pattern must be str, not {type(pattern).__name__}")
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


def pattern_json(pattern: Any) -> dict[str, str]:
    """A pattern as tokenizer.json writes it: {"String": s} or {"Regex": r}."""
    if isinstance(pattern, Regex):
        return {"Regex": pattern.pattern}
    if isinstance(pattern, str):
        return {"String": pattern}
    raise TypeError(f"pattern must be str or tokenizers.Regex, not {type(pattern).__name__}")


class Component:
    """One pipeline component, held as its tokenizer.json object."""

    _registry: ClassVar[dict[str, type["Component"]]]
    _kind: ClassVar[str] = "component"
    _json: dict[str, Any]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "_registry" in cls.__dict__:
            return  # a family base class (Normalizer, PreTokenizer, ...)
        cls._registry[cls.__name__] = cls

    @classmethod
    def _of(cls, d: dict[str, Any]) -> "Component":
        self = object.__new__(cls)
        object.__setattr__(self, "_json", d)
        return self

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        d = self.__dict__.get("_json", {})
        if name in d:
            return copy.deepcopy(d[name])
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name not in self._json:
            raise AttributeError(f"{type(self).__name__} has no settable attribute {name!r}")
        self._json[name] = value

    def __getstate__(self) -> str:
        return json.dumps(self._json)

    def __setstate__(self, state: str) -> None:
        object.__setattr__(self, "_json", json.loads(state))

    def __reduce__(self) -> Any:
        return (object.__new__, (type(self),), self.__getstate__())

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._json.items() if k != "type")
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Component) and other._json == self._json

    __hash__ = None  # type: ignore[assignment]

    def to_json(self) -> dict[str, Any]:
        """The tokenizer.json object (a copy)."""
        return copy.deepcopy(self._json)


def from_json(base: type[Component], d: dict[str, Any] | None) -> Component | None:
    """The component object of a tokenizer.json object (its family's class for its "type")."""
    if d is None:
        return None
    cls = base._registry.get(d.get("type", ""), base)
    return cls._of(d)


def init(self: Component, type_name: str, **fields: Any) -> None:
    """Sets the component's JSON: {"type": type_name, **fields} in HF's key order."""
    object.__setattr__(self, "_json", {"type": type_name, **fields})


def component_list(items: Any, base: type[Component], what: str) -> list[dict[str, Any]]:
    """The JSON objects of a Sequence's members (each must be a component of the family)."""
    out = []
    for x in items:
        if not isinstance(x, base):
            raise TypeError(f"{what} must be {base.__name__} objects, not {type(x).__name__}")
        out.append(x.to_json())
    return out
