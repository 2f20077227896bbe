"""Reading and writing rank files: tiktoken's ``load``. Local files only: aotml never goes to the network."""
from __future__ import annotations

import base64
import hashlib
import json
import os

from .. import _backend

__all__ = ["read_file", "read_file_cached", "check_hash", "load_tiktoken_bpe", "dump_tiktoken_bpe",
           "data_gym_to_mergeable_bpe_ranks"]


def read_file(blobpath: str | os.PathLike[str]) -> bytes:
    """The bytes of a local file. A URL raises ValueError: aotml is offline; download the file and pass its path."""
    path = os.fspath(blobpath)
    if "://" in str(path):
        raise ValueError(f"{path}: aotml works offline and does not fetch URLs; download the file and pass its "
                         "local path (the encodings tiktoken fetches are bundled: use get_encoding)")
    with open(path, "rb", buffering=0) as f:
        return f.read()


def check_hash(data: bytes, expected_hash: str) -> bool:
    """Whether ``data``'s sha256 hex digest is ``expected_hash``."""
    return hashlib.sha256(data).hexdigest() == expected_hash


def read_file_cached(blobpath: str | os.PathLike[str], expected_hash: str | None = None) -> bytes:
    """``read_file`` checked against ``expected_hash`` (there is nothing to cache: files are local)."""
    data = read_file(blobpath)
    if expected_hash is not None and not check_hash(data, expected_hash):
        raise ValueError(f"Hash mismatch for data from {os.fspath(blobpath)} (expected {expected_hash}, "
                         f"got {hashlib.sha256(data).hexdigest()})")
    return data


def load_tiktoken_bpe(tiktoken_bpe_file: str | os.PathLike[str], expected_hash: str | None = None) -> dict[bytes, int]:
    """Reads a local ``.tiktoken`` file (``base64 rank`` per line) into mergeable ranks.

    A malformed line raises TokenizerConfigError (a ValueError) naming the file and the line.
    """
    path = os.fspath(tiktoken_bpe_file)
    data = read_file_cached(path, expected_hash)
    blob, offsets, ranks = _backend.impl.tiktoken_parse_ranks(data, str(path))
    off = memoryview(offsets).cast("q")
    rk = memoryview(ranks).cast("I")
    return {blob[off[i]:off[i + 1]]: rk[i] for i in range(len(rk))}


def dump_tiktoken_bpe(bpe_ranks: dict[bytes, int], tiktoken_bpe_file: str | os.PathLike[str]) -> None:
    """Writes mergeable ranks as a ``.tiktoken`` file (``base64 rank`` per line, by rank), as tiktoken does."""
    lines = [base64.b64encode(token) + b" " + str(rank).encode() + b"\n"
             for token, rank in sorted(bpe_ranks.items(), key=lambda item: item[1])]
    with open(tiktoken_bpe_file, "wb") as f:
        f.writelines(lines)


def _data_gym_alphabet() -> tuple[list[int], dict[str, int]]:
    """GPT-2's byte alphabet: the printable latin-1 bytes except space stand for themselves and come first; every
    other byte b is written as chr(256 + n), n counting those bytes in order."""
    order = [b for b in range(256) if chr(b).isprintable() and b != 0x20]
    char_to_byte = {chr(b): b for b in order}
    others = [b for b in range(256) if b not in char_to_byte.values()]
    for n, b in enumerate(others):
        char_to_byte[chr(256 + n)] = b
    return order + others, char_to_byte


def data_gym_to_mergeable_bpe_ranks(vocab_bpe_file: str | os.PathLike[str], encoder_json_file: str | os.PathLike[str],
                                    vocab_bpe_hash: str | None = None, encoder_json_hash: str | None = None,
                                    clobber_one_byte_tokens: bool = False) -> dict[bytes, int]:
    """Mergeable ranks from GPT-2's original ``vocab.bpe`` (merges) and ``encoder.json`` (token -> id) files.

    Ranks are the 256 single bytes in GPT-2's alphabet order, then one per merge; they must agree with encoder.json
    (ValueError otherwise), since tiktoken's ranks are merge priorities.
    """
    order, char_to_byte = _data_gym_alphabet()

    def to_bytes(token: str) -> bytes:
        try:
            return bytes(char_to_byte[c] for c in token)
        except KeyError as e:
            raise ValueError(f"{token!r} holds {e.args[0]!r}, which is not in GPT-2's byte alphabet") from None

    merges_text = read_file_cached(vocab_bpe_file, vocab_bpe_hash).decode()
    ranks = {bytes([b]): i for i, b in enumerate(order)}
    # The first line is a version header and the file ends with a newline.
    n = len(ranks)
    for line in merges_text.split("\n")[1:-1]:
        first, second = line.split()
        ranks[to_bytes(first) + to_bytes(second)] = n
        n += 1

    encoder = {to_bytes(k): v for k, v in json.loads(read_file_cached(encoder_json_file, encoder_json_hash)).items()}
    encoder.pop(b"<|endoftext|>", None)  # special tokens, not mergeable ones
    encoder.pop(b"<|startoftext|>", None)
    if clobber_one_byte_tokens:
        ranks.update((k, v) for k, v in encoder.items() if len(k) == 1)
    if ranks != encoder:
        raise ValueError(f"{os.fspath(vocab_bpe_file)} and {os.fspath(encoder_json_file)} disagree: the merges do "
                         "not give the ids of encoder.json")
    return ranks
