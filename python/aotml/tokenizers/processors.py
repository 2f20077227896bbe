"""Post-processors (HF's ``tokenizers.processors``): each holds its tokenizer.json object."""
from __future__ import annotations

from typing import Any, ClassVar

from ._component import Component, component_list, from_json, init

__all__ = ["PostProcessor", "BertProcessing", "ByteLevel", "RobertaProcessing", "Sequence", "TemplateProcessing"]


def _pair(value: Any, name: str) -> list[Any]:
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int)):
        raise TypeError(f"{name} must be a (token, id) tuple")
    return [value[0], value[1]]


class PostProcessor(Component):
    """Base class of the post-processors."""

    _registry: ClassVar[dict[str, type[Component]]] = {}

    def num_special_tokens_to_add(self, is_pair: bool) -> int:
        """How many tokens this processor adds to one sequence (or a pair)."""
        d = self._json
        t = d["type"]
        if t in ("BertProcessing", "RobertaProcessing"):
            return 3 if t == "BertProcessing" and is_pair else (4 if is_pair else 2)
        if t == "TemplateProcessing":
            items = d["pair"] if is_pair else d["single"]
            specials = d["special_tokens"]
            return sum(len(specials[i["SpecialToken"]["id"]]["ids"]) for i in items if "SpecialToken" in i)
        if t == "Sequence":
            return sum(from_json(PostProcessor, p).num_special_tokens_to_add(is_pair)  # type: ignore[union-attr]
                       for p in d["processors"])
        return 0


class BertProcessing(PostProcessor):
    """[CLS] A [SEP] (B [SEP]) with type ids 0 then 1."""

    def __init__(self, sep: tuple[str, int], cls: tuple[str, int]) -> None:
        init(self, "BertProcessing", sep=_pair(sep, "sep"), cls=_pair(cls, "cls"))


class RobertaProcessing(PostProcessor):
    """<s> A </s> (</s> B </s>), with offsets trimmed of spaces."""

    def __init__(self, sep: tuple[str, int], cls: tuple[str, int], trim_offsets: bool = True,
                 add_prefix_space: bool = True) -> None:
        init(self, "RobertaProcessing", sep=_pair(sep, "sep"), cls=_pair(cls, "cls"), trim_offsets=trim_offsets,
             add_prefix_space=add_prefix_space)


class ByteLevel(PostProcessor):
    """Trims ByteLevel offsets of their leading spaces."""

    def __init__(self, add_prefix_space: bool | None = None, trim_offsets: bool = True,
                 use_regex: bool | None = None) -> None:
        init(self, "ByteLevel", add_prefix_space=True if add_prefix_space is None else add_prefix_space,
             trim_offsets=trim_offsets, use_regex=True if use_regex is None else use_regex)


def _template(value: Any, name: str) -> list[dict[str, Any]]:
    """HF's template notation ("[CLS]:0 $A:0 [SEP]:0", or a list of such pieces) as tokenizer.json pieces."""
    if value is None:
        return []
    items = value.split() if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name}: template pieces must be str")
        ident, _, type_id = item.partition(":")
        try:
            tid = int(type_id) if type_id else 0
        except ValueError:
            raise ValueError(f"Cannot build Piece from string \"{item}\"") from None
        if ident.startswith("$"):
            rest = ident[1:]
            if rest in ("", "A", "a"):
                seq = "A"
            elif rest in ("B", "b"):
                seq = "B"
            elif rest.isdigit() and not type_id:
                seq, tid = "A", int(rest)
            else:
                raise ValueError(f"Cannot build Piece from string \"{item}\"")
            out.append({"Sequence": {"id": seq, "type_id": tid}})
        else:
            out.append({"SpecialToken": {"id": ident, "type_id": tid}})
    return out


class TemplateProcessing(PostProcessor):
    """Special tokens and type ids placed by templates for single sequences and pairs."""

    def __init__(self, single: Any = None, pair: Any = None, special_tokens: Any = None) -> None:
        specials: dict[str, dict[str, Any]] = {}
        for t in special_tokens or []:
            if isinstance(t, dict):
                entry = {"id": t["id"], "ids": list(t["ids"]), "tokens": list(t["tokens"])}
            elif isinstance(t, (tuple, list)) and len(t) == 2:
                a, b = t
                token, tid = (a, b) if isinstance(a, str) else (b, a)
                entry = {"id": token, "ids": [tid], "tokens": [token]}
            else:
                raise TypeError("special_tokens items must be (str, int) tuples or dicts with id, ids and tokens")
            specials[entry["id"]] = entry
        single_p = _template(single if single is not None else "$0", "single")
        pair_p = _template(pair, "pair") if pair is not None else _default_pair(single_p)
        for p in single_p + pair_p:
            if "SpecialToken" in p and p["SpecialToken"]["id"] not in specials:
                raise ValueError(f"Missing SpecialToken(s) with id(s) `{p['SpecialToken']['id']}`")
        init(self, "TemplateProcessing", single=single_p, pair=pair_p,
             special_tokens=dict(sorted(specials.items())))


def _default_pair(single: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # HF's default pair template: the single one, then B with type id 1 (as `$A $B:1`).
    return single + [{"Sequence": {"id": "B", "type_id": 1}}]


class Sequence(PostProcessor):
    """Runs post-processors in order."""

    def __init__(self, processors: list[PostProcessor]) -> None:
        init(self, "Sequence", processors=component_list(processors, PostProcessor, "processors"))

    def __getitem__(self, i: int) -> PostProcessor:
        return from_json(PostProcessor, self._json["processors"][i])  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._json["processors"])
