"""A drop-in for Hugging Face ``tokenizers`` (Python): ``import aotml.tokenizers as tokenizers``.

Loads any tokenizer.json and encodes with the ids, type ids, tokens, offsets (str indices), masks, word ids, sequence
ids and overflowing parts of ``tokenizers`` 0.23.2, whose behaviour it follows (``__version__``). Encoding runs in the
engine without the GIL; ``encode_batch`` is one call, parallel inside; ``Tokenizer.encode_batch_to_numpy`` gives the
padded int64 matrices an ONNX model takes without building Encoding objects, and ``Tokenizer.encode_batch_ids`` the
ids alone, ragged (flat ids and row starts), with no offsets computed.
"""
from __future__ import annotations

from . import decoders, models, normalizers, pre_tokenizers, processors
from ._added_token import AddedToken
from ._component import Regex
from ._encoding import Encoding
from ._tokenizer import Tokenizer

__version__ = "0.23.2"

# HF's type aliases, for annotations written against tokenizers.
InputSequence = str
TextInputSequence = str
PreTokenizedInputSequence = list
EncodeInput = object

__all__ = ["__version__", "Tokenizer", "Encoding", "AddedToken", "Regex", "normalizers", "pre_tokenizers", "models",
           "processors", "decoders"]
