"""A drop-in for sentencepiece's Python module: ``import aotml.sentencepiece as spm``.

``SentencePieceProcessor`` loads a ``.model`` file (or its bytes) and encodes, decodes, normalizes and samples as
sentencepiece does, with the same ids and pieces. Vocabulary look-ups are answered in Python from a table read once;
encoding and decoding cross into the engine once per call (per batch for lists), without the GIL.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import json
import operator
import os
from array import array
from typing import Any

from . import _backend, _handles

__all__ = ["SentencePieceProcessor", "set_random_generator_seed", "SetRandomGeneratorSeed", "__version__"]

__version__ = "0.1.97"

_NORMAL, _UNKNOWN, _CONTROL, _USER_DEFINED, _UNUSED, _BYTE = 1, 2, 3, 4, 5, 6
_FLAG_SAMPLE, _FLAG_EMIT_UNK = 1, 2
_VOCAB_ATTRS = frozenset({"_pieces", "_scores", "_types", "_model_type", "_unk", "_reserved", "_ids", "_special"})


def SetRandomGeneratorSeed(seed: int) -> None:
    """Accepted for compatibility; sampling draws from the engine's own generator."""
    if not isinstance(seed, int):
        raise TypeError("seed must be int")


set_random_generator_seed = SetRandomGeneratorSeed


# Read once: os.cpu_count() reads /sys on every call (~10 us), more than encoding a sentence.
_CPUS = max(1, min(os.cpu_count() or 1, 64))


def _threads(num_threads: Any) -> int:
    if num_threads is None or type(num_threads) is not int:
        raise RuntimeError("num_threads must be int")
    return num_threads if num_threads > 0 else _CPUS


class SentencePieceProcessor:
    """A sentencepiece model: ``SentencePieceProcessor(model_file=...)`` or ``(model_proto=bytes)``."""

    def __init__(self, model_file: Any = None, model_proto: Any = None, out_type: Any = int, add_bos: bool = False,
                 add_eos: bool = False, reverse: bool = False, emit_unk_piece: bool = False,
                 enable_sampling: bool = False, nbest_size: int = -1, alpha: float = 0.1,
                 num_threads: int = -1) -> None:
        self._handle: Any = None
        self._owner: Any = None
        self._proto = b""
        self._out_type = out_type
        self._add_bos = add_bos
        self._add_eos = add_eos
        self._reverse = reverse
        self._emit_unk_piece = emit_unk_piece
        self._enable_sampling = enable_sampling
        self._nbest_size = nbest_size
        self._alpha = alpha
        self._num_threads = num_threads
        self._plain_ids = (out_type is int and not add_bos and not add_eos and not reverse and not emit_unk_piece
                           and not enable_sampling)
        self._fast_one: Any = None  # the engine's one-text encoder once a model is loaded, when the defaults are plain
        if model_file or model_proto:
            self.Load(model_file=model_file, model_proto=model_proto)

    Init = __init__

    # -- loading -----------------------------------------------------------------------------------------------
    def Load(self, model_file: Any = None, model_proto: Any = None) -> bool:
        """Loads a model from a file path or from serialized bytes (exactly one of them)."""
        if model_file and model_proto:
            raise RuntimeError("model_file and model_proto must be exclusive.")
        if model_proto:
            return self.LoadFromSerializedProto(model_proto)
        return self.LoadFromFile(model_file)

    def LoadFromFile(self, arg: Any) -> bool:
        """Loads a ``.model`` file."""
        path = os.fspath(arg)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise OSError(f"Not found: \"{path}\": {e.strerror}") from e
        return self.LoadFromSerializedProto(data)

    def LoadFromSerializedProto(self, serialized: Any) -> bool:
        """Loads a model from the bytes of a ``.model`` file."""
        data = bytes(serialized)
        impl = _backend.impl
        handle = impl.spm_new(data)
        owner = _handles.own(handle)
        self._impl = impl
        self._owner, self._handle, self._proto = owner, handle, data
        self._fast_one = functools.partial(impl.spm_encode, handle) if self._plain_ids else None
        for name in _VOCAB_ATTRS:  # the vocabulary tables of a previous model
            self.__dict__.pop(name, None)
        return True

    def __getattr__(self, name: str) -> Any:
        # The vocabulary tables are read from the engine on first use: encoding needs none of them, and building
        # them is most of a large model's load time.
        if name in _VOCAB_ATTRS and self.__dict__.get("_handle") is not None:
            self._read_vocabulary()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _read_vocabulary(self) -> None:
        info = json.loads(self._impl.spm_info(self._handle))
        self._pieces = info["pieces"]
        self._scores = info["scores"]
        self._types = info["types"]
        self._model_type = info["model_type"]
        self._unk = info["unk_id"]
        self._reserved = {p: i for i, p in enumerate(self._pieces) if self._types[i] in (_UNKNOWN, _CONTROL, _BYTE)}
        ids: dict[str, int] = {}
        for i, p in enumerate(self._pieces):
            ids.setdefault(p, i)
        self._ids = ids
        self._special = {name: self._special_id(info[name + "_piece"], kind)
                         for name, kind in (("unk", _UNKNOWN), ("bos", _CONTROL), ("eos", _CONTROL), ("pad", _CONTROL))}

    def _special_id(self, piece: str, kind: int) -> int:
        i = self._piece_id(piece)
        return i if self._types[i] == kind else -1

    def _loaded(self) -> Any:
        if self._handle is None:
            raise RuntimeError("Model is not initialized.")
        return self._handle

    def serialized_model_proto(self) -> bytes:
        """The bytes of the loaded model."""
        return self._proto

    def __getstate__(self) -> bytes:
        return self._proto

    def __setstate__(self, state: bytes) -> None:
        self.__init__()  # type: ignore[misc]
        self.LoadFromSerializedProto(state)

    # -- vocabulary --------------------------------------------------------------------------------------------
    def GetPieceSize(self) -> int:
        """Number of pieces."""
        return len(self._pieces)

    def vocab_size(self) -> int:
        """Number of pieces."""
        return len(self._pieces)

    def __len__(self) -> int:
        return len(self._pieces)

    def _piece_id(self, piece: str) -> int:
        i = self._reserved.get(piece)
        if i is not None:
            return i
        i = self._ids.get(piece)
        return self._unk if i is None or self._types[i] not in (_NORMAL, _USER_DEFINED, _UNUSED) else i

    def _check_id(self, i: int) -> int:
        if type(i) is int and (i < 0 or i >= len(self._pieces)):
            raise IndexError("piece id is out of range.")
        return i

    def PieceToId(self, arg: Any) -> Any:
        """The id of a piece (the unknown id for a piece outside the vocabulary); a list maps element-wise."""
        if type(arg) is list:
            return [self._piece_id(p) for p in arg]
        return self._piece_id(arg)

    def __getitem__(self, piece: str) -> int:
        return self._piece_id(piece)

    def _by_id(self, arg: Any, table: list[Any]) -> Any:
        if type(arg) is list:
            return [table[self._check_id(i)] for i in arg]
        return table[self._check_id(arg)]

    def IdToPiece(self, arg: Any) -> Any:
        """The piece of an id; IndexError outside the vocabulary."""
        return self._by_id(arg, self._pieces)

    def GetScore(self, arg: Any) -> Any:
        """The score of an id."""
        return self._by_id(arg, self._scores)

    def _is(self, arg: Any, kind: int) -> Any:
        if type(arg) is list:
            return [self._types[self._check_id(i)] == kind for i in arg]
        return self._types[self._check_id(arg)] == kind

    def IsUnknown(self, arg: Any) -> Any:
        """Whether an id is the unknown piece."""
        return self._is(arg, _UNKNOWN)

    def IsControl(self, arg: Any) -> Any:
        """Whether an id is a control symbol."""
        return self._is(arg, _CONTROL)

    def IsUnused(self, arg: Any) -> Any:
        """Whether an id is unused."""
        return self._is(arg, _UNUSED)

    def IsByte(self, arg: Any) -> Any:
        """Whether an id is a byte-fallback piece."""
        return self._is(arg, _BYTE)

    def unk_id(self) -> int:
        """The unknown id."""
        return self._special["unk"]

    def bos_id(self) -> int:
        """The id of <s> (-1 when the model has none)."""
        return self._special["bos"]

    def eos_id(self) -> int:
        """The id of </s> (-1 when the model has none)."""
        return self._special["eos"]

    def pad_id(self) -> int:
        """The id of <pad> (-1 when the model has none)."""
        return self._special["pad"]

    # -- encoding ----------------------------------------------------------------------------------------------
    def _flags(self, sample: bool, emit_unk: bool) -> int:
        return (_FLAG_SAMPLE if sample else 0) | (_FLAG_EMIT_UNK if emit_unk else 0)

    def _rewrite(self, seq: list[Any], add_bos: bool, add_eos: bool, reverse: bool, as_str: bool) -> list[Any]:
        if reverse:
            seq.reverse()
        if add_bos:
            bos = self.bos_id()
            seq.insert(0, self._pieces[bos] if as_str else bos)
        if add_eos:
            eos = self.eos_id()
            seq.append(self._pieces[eos] if as_str else eos)
        return seq

    def Encode(self, input: Any, *args: Any, **kwargs: Any) -> Any:
        """Encodes a text (or a list of texts) into ids (out_type=int) or pieces (out_type=str). Takes
        out_type, add_bos, add_eos, reverse, emit_unk_piece, enable_sampling, nbest_size, alpha, num_threads."""
        one = self._fast_one
        if one is not None and not args and not kwargs and type(input) is str and len(input) != 1:
            # The common call, one text to ids with the processor's plain defaults: one crossing into a scratch
            # buffer of one id per UTF-8 byte, nothing to rewrite. A text with more ids than bytes (an expanding
            # normalization, single-character words) is refused by the engine and takes the general path.
            try:
                return one(input)
            except ValueError:
                pass
        return self._encode(input, *args, **kwargs)

    def _encode(self, input: Any, out_type: Any = None, add_bos: Any = None, add_eos: Any = None, reverse: Any = None,
                emit_unk_piece: Any = None, enable_sampling: Any = None, nbest_size: Any = None, alpha: Any = None,
                num_threads: Any = None) -> Any:
        out_type = self._out_type if out_type is None else out_type
        add_bos = self._add_bos if add_bos is None else add_bos
        add_eos = self._add_eos if add_eos is None else add_eos
        reverse = self._reverse if reverse is None else reverse
        emit_unk_piece = self._emit_unk_piece if emit_unk_piece is None else emit_unk_piece
        enable_sampling = self._enable_sampling if enable_sampling is None else enable_sampling
        nbest_size = self._nbest_size if nbest_size is None else nbest_size
        alpha = self._alpha if alpha is None else alpha
        num_threads = self._num_threads if num_threads is None else num_threads
        if enable_sampling is True and (nbest_size is None or nbest_size in (0, 1) or alpha is None):
            raise RuntimeError(
                'When enable_sampling is True, We must specify "nbest_size > 1" or "nbest_size = -1", '
                'and "alpha". "nbest_size" is enabled only on unigram mode ignored in BPE-dropout. '
                'when "nbest_size = -1" , this method samples from all candidates on the lattice '
                'instead of nbest segmentations.')
        threads = _threads(num_threads)
        if out_type is not int and out_type is not str:
            raise RuntimeError(f"unknown out_type={out_type}")
        batch = type(input) is list
        texts = input if batch else [input]
        if not all(map(isinstance, texts, itertools.repeat(str))):  # checked in C: a Python loop cost 0.2 us a text
            bad = next(t for t in texts if not isinstance(t, str))
            raise TypeError(f"in method 'SentencePieceProcessor__EncodeAs', argument 2 of type 'absl::string_view': "
                            f"expected str, got {type(bad).__name__}")
        handle = self._loaded()
        flags = self._flags(bool(enable_sampling), bool(emit_unk_piece))
        if out_type is int:
            out = self._impl.spm_encode_batch(handle, texts, flags, float(alpha), int(nbest_size), threads, False)
        else:
            out = self._encode_pieces(handle, texts, flags, float(alpha), int(nbest_size), threads,
                                      bool(emit_unk_piece))
        if add_bos or add_eos or reverse:
            # Both backends hand back fresh lists, rewritten in place.
            out = [self._rewrite(s, add_bos, add_eos, reverse, out_type is str) for s in out]
        return out if batch else out[0]

    def _encode_pieces(self, handle: Any, texts: list[str], flags: int, alpha: float, nbest_size: int, threads: int,
                       emit_unk_piece: bool) -> list[list[str]]:
        # Pieces are the vocabulary's strings of the ids (one flat id buffer, mapped in C by map()), except that an
        # unknown token's piece is the text it covers: texts with one are encoded again as pieces by the engine.
        # Performance notes: pieces as JSON from the engine cost 1.7x this (writing and parsing the strings); one
        # itemgetter over all ids maps them 15% faster than map(list.__getitem__), zip of the bounds slices faster
        # than indexing them.
        ids, offsets = self._impl.spm_encode_batch(handle, texts, flags, alpha, nbest_size, threads, True)
        flat = memoryview(ids).tolist()
        bounds = memoryview(offsets).tolist()
        table = self._pieces
        pieces = list(operator.itemgetter(*flat)(table)) if len(flat) > 1 else [table[i] for i in flat]
        out = [pieces[a:b] for a, b in zip(bounds, bounds[1:])]
        unk = self._unk
        if not emit_unk_piece and unk in flat:
            # The texts holding an unknown id, found by list.index from text to text (a scan in C, no slices).
            redo = []
            at = flat.index(unk)
            while True:
                i = bisect.bisect_right(bounds, at) - 1
                redo.append(i)
                try:
                    at = flat.index(unk, bounds[i + 1])
                except ValueError:
                    break
            again = json.loads(self._impl.spm_encode_pieces_batch(handle, [texts[i] for i in redo], flags, alpha,
                                                                  nbest_size, threads))
            for i, p in zip(redo, again):
                out[i] = p
        return out

    def EncodeAsIds(self, input: Any, **kwargs: Any) -> Any:
        """Encode with out_type=int."""
        return self.Encode(input=input, out_type=int, **kwargs)

    def EncodeAsPieces(self, input: Any, **kwargs: Any) -> Any:
        """Encode with out_type=str."""
        return self.Encode(input=input, out_type=str, **kwargs)

    def SampleEncodeAsIds(self, input: Any, nbest_size: Any = None, alpha: Any = None, **kwargs: Any) -> Any:
        """A sampled segmentation, as ids."""
        return self.Encode(input=input, nbest_size=nbest_size, alpha=alpha, out_type=int, enable_sampling=True,
                           **kwargs)

    def SampleEncodeAsPieces(self, input: Any, nbest_size: Any = None, alpha: Any = None, **kwargs: Any) -> Any:
        """A sampled segmentation, as pieces."""
        return self.Encode(input=input, nbest_size=nbest_size, alpha=alpha, out_type=str, enable_sampling=True,
                           **kwargs)

    def NBestEncode(self, input: Any, out_type: Any = None, add_bos: Any = None, add_eos: Any = None,
                    reverse: Any = None, emit_unk_piece: Any = None, nbest_size: Any = None) -> Any:
        """The nbest_size best segmentations (unigram models), best first."""
        out_type = self._out_type if out_type is None else out_type
        add_bos = self._add_bos if add_bos is None else add_bos
        add_eos = self._add_eos if add_eos is None else add_eos
        reverse = self._reverse if reverse is None else reverse
        emit_unk_piece = self._emit_unk_piece if emit_unk_piece is None else emit_unk_piece
        nbest_size = self._nbest_size if nbest_size is None else nbest_size
        if nbest_size <= 0:
            nbest_size = 1
        if out_type is not int and out_type is not str:
            raise RuntimeError("unknown out_type")
        handle = self._loaded()

        def one(text: str) -> list[Any]:
            if self._model_type != 1:
                raise RuntimeError("NBestEncode is not available for the current model.")
            found = json.loads(self._impl.spm_nbest(handle, text, self._flags(False, bool(emit_unk_piece)),
                                                    min(int(nbest_size), 1024), 0.0))
            k = 0 if out_type is int else 1
            return [self._rewrite(r[k], add_bos, add_eos, reverse, out_type is str) for r in found]

        if type(input) is list:
            return [one(t) for t in input]
        return one(input)

    def NBestEncodeAsIds(self, input: Any, nbest_size: Any = None, **kwargs: Any) -> Any:
        """n-best as ids."""
        return self.NBestEncode(input=input, nbest_size=nbest_size, out_type=int, **kwargs)

    def NBestEncodeAsPieces(self, input: Any, nbest_size: Any = None, **kwargs: Any) -> Any:
        """n-best as pieces."""
        return self.NBestEncode(input=input, nbest_size=nbest_size, out_type=str, **kwargs)

    def SampleEncodeAndScore(self, input: Any, out_type: Any = None, add_bos: Any = None, add_eos: Any = None,
                             reverse: Any = None, emit_unk_piece: Any = None, num_samples: Any = None,
                             alpha: Any = None, wor: Any = None, include_best: Any = None) -> Any:
        """num_samples segmentations drawn with inverse temperature alpha, each with its log-probability (unigram).

        With wor=True (without replacement) this returns the num_samples best segmentations instead of a Gumbel
        top-k draw, scored alpha * score: sentencepiece's draw and its inclusion-probability scores are not
        reproduced."""
        out_type = self._out_type if out_type is None else out_type
        add_bos = self._add_bos if add_bos is None else add_bos
        add_eos = self._add_eos if add_eos is None else add_eos
        reverse = self._reverse if reverse is None else reverse
        emit_unk_piece = self._emit_unk_piece if emit_unk_piece is None else emit_unk_piece
        num_samples = 1 if num_samples is None else num_samples
        alpha = 1.0 if alpha is None else alpha
        if num_samples <= 0:
            raise RuntimeError("num_examples must be positive")
        if include_best and not wor:
            raise RuntimeError('When include_best is True, We must specify "wor = True".')
        handle = self._loaded()
        sample = not wor

        def one(text: str) -> list[Any]:
            if self._model_type != 1:
                raise RuntimeError("SampleEncodeAndScore is not available for the current model.")
            found = json.loads(self._impl.spm_nbest(handle, text, self._flags(sample, bool(emit_unk_piece)),
                                                    max(1, min(int(num_samples), 1024)), float(alpha)))
            k = 0 if out_type is int else 1
            return [(self._rewrite(r[k], bool(add_bos), bool(add_eos), bool(reverse), out_type is str),
                     r[2] if sample else float(alpha) * r[2]) for r in found]

        if type(input) is list:
            return [one(t) for t in input]
        return one(input)

    # -- decoding ----------------------------------------------------------------------------------------------
    def _decode_ids(self, seqs: list[list[int]], threads: int) -> list[str]:
        ids = array("I")
        offsets = array("q", [0])
        try:
            for seq in seqs:
                ids.extend(seq)
                offsets.append(len(ids))
            valid = not ids or max(ids) < len(self._pieces)
        except OverflowError:  # a negative id
            valid = False
        if not valid:
            # One pass in C above; only a bad id pays for the check that finds it and raises as sentencepiece does.
            for seq in seqs:
                for i in seq:
                    self._check_id(i)
        raw = self._impl.spm_decode_batch(self._loaded(), ids.tobytes(), offsets.tobytes(), threads)
        return [b.decode("utf-8", "replace") for b in raw]

    def _decode_pieces(self, pieces: list[str]) -> str:
        return self._impl.spm_decode_pieces(self._loaded(), pieces)  # type: ignore[no-any-return]

    def Decode(self, input: Any, out_type: Any = str, num_threads: Any = None) -> Any:
        """Decodes ids or pieces (or a list of such sequences) into text."""
        threads = _threads(self._num_threads if num_threads is None else num_threads)
        if not input:
            return ""
        if out_type is not str:
            raise RuntimeError("unknown output or input type")
        if type(input) is int:
            return self._decode_ids([[input]], threads)[0]
        if type(input) is str:
            return self._decode_pieces([input])
        if type(input) is list:
            first = input[0]
            if type(first) is int:
                return self._decode_ids([input], threads)[0]
            if type(first) is str:
                return self._decode_pieces(input)
            if type(first) is list:
                sample: list[Any] = next((s for s in input if s), [])
                if len(sample) == 0 or type(sample[0]) is int:
                    return self._decode_ids(input, threads)
                if type(sample[0]) is str:
                    return [self._decode_pieces(p) if p else "" for p in input]
        raise RuntimeError("unknown output or input type")

    def DecodeIds(self, input: Any, out_type: Any = str, **kwargs: Any) -> Any:
        """Decode ids."""
        return self.Decode(input=input, out_type=out_type, **kwargs)

    def DecodePieces(self, input: Any, out_type: Any = str, **kwargs: Any) -> Any:
        """Decode pieces."""
        return self.Decode(input=input, out_type=out_type, **kwargs)

    Tokenize = Encode
    Detokenize = Decode

    # -- normalization -----------------------------------------------------------------------------------------
    def Normalize(self, input: Any) -> Any:
        """The model's normalization of a text (or of each text of a list)."""
        if type(input) is list:
            return [self._impl.spm_normalize(self._loaded(), t) for t in input]
        return self._impl.spm_normalize(self._loaded(), input)

    # sentencepiece's snake_case spellings of every CamelCase method.
    init = Init
    load = Load
    load_from_file = LoadFromFile
    load_from_serialized_proto = LoadFromSerializedProto
    get_piece_size = GetPieceSize
    piece_to_id = PieceToId
    id_to_piece = IdToPiece
    get_score = GetScore
    is_unknown = IsUnknown
    is_control = IsControl
    is_unused = IsUnused
    is_byte = IsByte
    encode = Encode
    encode_as_ids = EncodeAsIds
    encode_as_pieces = EncodeAsPieces
    sample_encode_as_ids = SampleEncodeAsIds
    sample_encode_as_pieces = SampleEncodeAsPieces
    nbest_encode = NBestEncode
    nbest_encode_as_ids = NBestEncodeAsIds
    nbest_encode_as_pieces = NBestEncodeAsPieces
    sample_encode_and_score = SampleEncodeAndScore
    decode = Decode
    decode_ids = DecodeIds
    decode_pieces = DecodePieces
    tokenize = Tokenize
    detokenize = Detokenize
    normalize = Normalize
    piece_size = GetPieceSize

