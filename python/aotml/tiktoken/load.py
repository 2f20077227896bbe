"""Reading ``.tiktoken`` rank files: tiktoken's ``load`` (``load_tiktoken_bpe``). Local files only."""
from __future__ import annotations

import base64
import hashlib
import os

from .. import _backend

__all__ = ["load_tiktoken_bpe", "dump_tiktoken_bpe"]


def load_tiktoken_bpe(tiktoken_bpe_file: str | os.PathLike[str], expected_hash: str | None = None) -> dict[bytes, int]:
    """Reads a local ``.tiktoken`` file (``base64 rank`` per line) into mergeable ranks.

    A malformed line raises TokenizerConfigError naming the file and the line. URLs are not fetched: aotml never
    goes to the network; download the file and pass its path.
    """
    path = os.fspath(tiktoken_bpe_file)
    if "://" in str(path):
        raise ValueError(f"{path}: aotml does not fetch URLs; download the file and pass a local path")
    with open(path, "rb") as f:
        data = f.read()
    if expected_hash is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected_hash:
            raise ValueError(f"Hash mismatch for data from {path} (expected {expected_hash}, got {actual})")
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
