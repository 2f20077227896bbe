"""A sentencepiece ``.model`` as a tokenizer.json pipeline (``Tokenizer.from_sentencepiece``).

The mapping follows what sentencepiece does, not HF's converters where they differ: the dummy prefix is a
``Prepend`` normalizer and spaces become U+2581 by ``Replace`` (as Llama's tokenizer.json does) rather than a
``Metaspace`` pre-tokenizer, because Metaspace skips the prefix when the text already starts with U+2581 and
sentencepiece does not; and there is no pre-tokenizer, because sentencepiece segments the whole normalized text
(pieces may span words when the model was trained with split_by_whitespace=false). Whitespace removal is two regex
replacements after the charsmap, on U+0020 only, as sentencepiece's normalizer does.

What has no tokenizer.json equivalent is refused with ValueError: word and char models, whitespace as a suffix,
spaces kept unescaped, user-defined symbols (sentencepiece scores them inside the lattice; tokenizer.json can only
split them out beforehand) and denormalization rules.
"""
from __future__ import annotations

import json
import os
from typing import Any

_NORMAL, _UNKNOWN, _CONTROL, _USER_DEFINED, _UNUSED, _BYTE = 1, 2, 3, 4, 5, 6
_UNIGRAM, _BPE, _WORD, _CHAR = 1, 2, 3, 4
_SPACE = "\u2581"


def _processor(model: Any) -> Any:
    from .. import sentencepiece

    if isinstance(model, sentencepiece.SentencePieceProcessor):
        return model
    if isinstance(model, (bytes, bytearray, memoryview)):
        return sentencepiece.SentencePieceProcessor(model_proto=bytes(model))
    if isinstance(model, (str, os.PathLike)):
        return sentencepiece.SentencePieceProcessor(model_file=model)
    raise TypeError(f"from_sentencepiece takes a .model path, its bytes or a SentencePieceProcessor, "
                    f"not {type(model).__name__}")


def _refuse(why: str) -> ValueError:
    return ValueError(f"this sentencepiece model has no tokenizer.json equivalent: {why}; "
                      "use aotml.sentencepiece.SentencePieceProcessor for it")


def _merges(pieces: list[str], scores: list[float], types: list[int]) -> list[list[str]]:
    # sentencepiece merges the adjacent pair whose concatenation is the best-scoring piece (leftmost on a tie);
    # tokenizer.json merges by rank: every split of every mergeable piece into two pieces, ranked by the merged
    # piece's score (then id, so each piece's splits are adjacent ranks and a tie between them cannot reorder).
    mergeable = {p: i for i, p in enumerate(pieces) if types[i] in (_NORMAL, _UNUSED)}
    found = []
    for piece, i in mergeable.items():
        for k in range(1, len(piece)):
            left, right = piece[:k], piece[k:]
            if left in mergeable and right in mergeable:
                found.append((-scores[i], i, mergeable[left], [left, right]))
    found.sort(key=lambda m: (m[0], m[1], m[2]))
    return [m[3] for m in found]


def tokenizer_json(model: Any) -> str:
    """The tokenizer.json text of a sentencepiece model (path, bytes or SentencePieceProcessor)."""
    sp = _processor(model)
    info = json.loads(sp._impl.spm_info(sp._loaded()))
    pieces, scores, types = info["pieces"], info["scores"], info["types"]
    kind = info["model_type"]
    if kind in (_WORD, _CHAR):
        raise _refuse(f"{'word' if kind == _WORD else 'char'} models segment by a rule tokenizer.json models lack")
    if info["treat_whitespace_as_suffix"]:
        raise _refuse("treat_whitespace_as_suffix puts U+2581 after words; tokenizer.json only prepends")
    if not info["escape_whitespaces"]:
        raise _refuse("escape_whitespaces=false keeps spaces as they are")
    if _USER_DEFINED in types:
        raise _refuse("user-defined symbols compete inside sentencepiece's lattice; tokenizer.json's added tokens "
                      "would always split them out")
    if info["has_denormalizer"]:
        raise _refuse("denormalization rules have no decoder")
    unk = info["unk_id"]
    byte_fallback = bool(info["byte_fallback"])
    normalizers: list[dict[str, Any]] = []
    if info["precompiled_charsmap"]:
        normalizers.append({"type": "Precompiled", "precompiled_charsmap": info["precompiled_charsmap"]})
    if info["remove_extra_whitespaces"]:
        normalizers.append({"type": "Replace", "pattern": {"Regex": "\\A +| +\\z"}, "content": ""})
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    if info["add_dummy_prefix"]:
        normalizers.append({"type": "Prepend", "prepend": _SPACE})
    normalizers.append({"type": "Replace", "pattern": {"String": " "}, "content": _SPACE})
    if kind == _UNIGRAM:
        tj_model: dict[str, Any] = {"type": "Unigram", "unk_id": unk, "byte_fallback": byte_fallback,
                                    "vocab": [[p, s] for p, s in zip(pieces, scores)]}
    else:
        tj_model = {"type": "BPE", "dropout": None, "unk_token": pieces[unk], "continuing_subword_prefix": None,
                    "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": byte_fallback,
                    "ignore_merges": False, "vocab": {p: i for i, p in enumerate(pieces)},
                    "merges": _merges(pieces, scores, types)}
    decoders: list[dict[str, Any]] = [{"type": "Replace", "pattern": {"String": _SPACE}, "content": " "}]
    if byte_fallback:
        decoders.append({"type": "ByteFallback"})
    decoders.append({"type": "Fuse"})
    if info["add_dummy_prefix"]:
        decoders.append({"type": "Strip", "content": " ", "start": 1, "stop": 0})
    added = [{"id": i, "content": p, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, p in enumerate(pieces) if types[i] in (_UNKNOWN, _CONTROL)]
    return json.dumps({
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": normalizers}, "pre_tokenizer": None,
        "post_processor": None, "decoder": {"type": "Sequence", "decoders": decoders}, "model": tj_model,
    }, ensure_ascii=False)
