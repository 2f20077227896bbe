"""aotml.sentencepiece against python3-sentencepiece (the C++ library): model load time and encode/decode throughput
on 32k-piece unigram and BPE models trained here (cached under build/spm_models), per corpus (English prose, source
code, multilingual). Run with /usr/bin/python3 (the oracle is a Debian package) on a quiet machine (wall time;
`--cpu`: one-thread rows in process CPU time); writes its section of bench/RESULTS.md. Each peer is one function
returning the same set of operations, so a peer is one more function in PEERS."""
from __future__ import annotations

import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
# This file's own name would shadow the oracle: import it before bench/ is on the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import sentencepiece as ref  # noqa: E402

sys.path[:0] = [str(ROOT / "python"), str(ROOT / "tests"), str(ROOT / "bench")]

import aotml.sentencepiece as spm  # noqa: E402
import dotnet_peers  # noqa: E402
import results  # noqa: E402
from support import corpora  # noqa: E402

CORPUS_BYTES = 300_000  # UTF-8 bytes of lines per corpus


def _lines(docs: list[str]) -> list[str]:
    out, size = [], 0
    for ln in (ln.strip() for d in docs for ln in d.splitlines()):
        if ln and size < CORPUS_BYTES:
            out.append(ln)
            size += len(ln.encode())
    return out


def corpora_by_name() -> dict[str, list[str]]:
    """The timed texts: lines of each corpus."""
    # Interleave the languages' lines so the budget covers all five.
    per_lang = [[ln.strip() for d in docs for ln in d.splitlines() if ln.strip()]
                for docs in corpora.multilingual(250_000).values()]
    mixed = [ln for group in zip(*per_lang) for ln in group]
    return {"English prose": _lines(corpora.english_prose(2_000_000)),
            "source code": _lines(corpora.source_code(2_000_000)),
            "multilingual": _lines(["\n".join(mixed)])}


def training_lines() -> list[str]:
    docs = corpora.english_prose(2_000_000) + corpora.source_code(600_000)
    for lang_docs in corpora.multilingual(250_000).values():
        docs += lang_docs
    return [ln.strip() for d in docs for ln in d.splitlines() if ln.strip()]


def model(kind: str) -> bytes:
    path = ROOT / "build" / "spm_models" / f"bench-{kind}-32k.model"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        out = io.BytesIO()
        ref.SentencePieceTrainer.train(sentence_iterator=iter(training_lines()), model_writer=out, model_type=kind,
                                       vocab_size=32000, num_threads=2, minloglevel=2, max_sentence_length=16384,
                                       input_sentence_size=200_000, shuffle_input_sentence=False)
        path.write_bytes(out.getvalue())
    return path.read_bytes()


Ops = dict[str, Callable[..., Any]]


def module_peer(module: Any) -> Callable[[bytes], Ops]:
    """A peer with sentencepiece's Python API (aotml.sentencepiece, the drop-in, or python3-sentencepiece)."""
    def make(data: bytes) -> Ops:
        sp = module.SentencePieceProcessor(model_proto=data)
        return {
            "load": lambda: module.SentencePieceProcessor(model_proto=data),
            "encode ids, one call per text": lambda texts: [sp.encode(t) for t in texts],
            "encode ids, batch, 1 thread": lambda texts: sp.encode(texts, num_threads=1),
            "encode ids, batch, 2 threads": lambda texts: sp.encode(texts, num_threads=2),
            "encode pieces, batch, 1 thread": lambda texts: sp.encode(texts, out_type=str, num_threads=1),
            "decode ids, batch, 1 thread": lambda ids: sp.decode(ids, num_threads=1),
        }
    return make


PEERS: dict[str, Callable[[bytes], Ops]] = {"aotml": module_peer(spm), "sentencepiece": module_peer(ref)}
REFERENCE = "sentencepiece"  # ratios are this peer's time / each other peer's time


def dotnet_column(kind: str, texts: list[str], nbytes: int) -> dict[str, str]:
    """Microsoft.ML.Tokenizers' SentencePieceTokenizer on the same model and lines, by row label ("-" where it has no
    equivalent or cannot run; "(ids differ)" marks figures whose ids are not sentencepiece's)."""
    if not dotnet_peers.available():
        return {}
    path = ROOT / "build" / "spm_models" / f"bench-{kind}-32k.model"
    r = dotnet_peers.run({"jobs": [{"kind": "sentencepiece", "file": str(path), "lines": texts, "threads": [1, 2],
                                    "repeat": 3, "return_ids": True}]})["results"][0]
    if "error" in r:
        return {"load": "cannot load"}
    same = r["ids"] == ref.SentencePieceProcessor(model_file=str(path)).encode(texts)
    mark = "" if same else " (ids differ)"
    t = r["timings"]
    return {"load": f"{r['load_s'] * 1e3:.1f} ms (first)",
            "encode ids, batch, 1 thread": f"{nbytes / t['ids_1'] / 1e6:.1f} MB/s{mark}",
            "encode ids, batch, 2 threads": f"{nbytes / t['ids_2'] / 1e6:.1f} MB/s{mark}",
            "encode pieces, batch, 1 thread": f"{nbytes / t['tokens_1'] / 1e6:.1f} MB/s{mark}"}


# Wall time by default (run it on a quiet machine); `--cpu` times one-thread rows by process CPU time instead, which
# a loaded machine disturbs less, but then the 2-thread rows (always wall time) do not compare with them.
CPU = "--cpu" in sys.argv
WARM = 10  # untimed calls before each timed operation


def best(f: Callable[[], Any], repeat: int = 3, clock: Callable[[], float] = time.perf_counter, warm: int = 0) -> float:
    """The shortest of repeat runs, after warm untimed ones."""
    for _ in range(warm):
        f()
    times = []
    for _ in range(repeat):
        t = clock()
        f()
        times.append(clock() - t)
    return min(times)


def main() -> None:
    texts_by_corpus = corpora_by_name()
    others = [p for p in PEERS if p != REFERENCE]
    head = ("| model | corpus | operation | " + " | ".join(PEERS) + " | "
            + " | ".join(f"× {p}" for p in others) + " | Microsoft.ML.Tokenizers |\n|"
            + "---|" * (4 + len(PEERS) + len(others)) + "\n")
    rows, scaling = [], []
    for kind in ("unigram", "bpe"):
        data = model(kind)
        peers = {name: make(data) for name, make in PEERS.items()}
        first = next(iter(texts_by_corpus.values()))
        dotnet_load = dotnet_column(kind, first, 1).get("load", "-")
        load = {name: statistics.median(best(ops["load"], 1, time.process_time) for _ in range(15))
                for name, ops in peers.items()}
        rows.append(f"| {kind} | | load | " + " | ".join(f"{load[p] * 1e3:.1f} ms" for p in PEERS) + " | "
                    + " | ".join(f"{load[REFERENCE] / load[p]:.2f}" for p in others) + f" | {dotnet_load} |")
        print(rows[-1], flush=True)
        for corpus, texts in texts_by_corpus.items():
            nbytes = sum(len(t.encode()) for t in texts)
            ids = peers[REFERENCE]["encode ids, batch, 1 thread"](texts)
            for p in others:
                assert peers[p]["encode ids, batch, 1 thread"](texts) == ids, f"{p} not identical: fix before timing"
            nids = sum(len(s) for s in ids)
            dotnet = dotnet_column(kind, texts, nbytes)
            walls = {}
            for op in peers[REFERENCE]:
                if op == "load":
                    continue
                arg = ids if op.startswith("decode") else texts
                clock = time.process_time if CPU and "threads" not in op else time.perf_counter
                # Steady state: aotml's per-thread segment caches (a batch's worker threads hand theirs to the next
                # call's) take a few calls of these 0.3 MB batches to fill; sentencepiece keeps none.
                t = {name: best(lambda: ops[op](arg), 7, clock, WARM) for name, ops in peers.items()}
                walls[op] = t
                rows.append(f"| {kind} | {corpus} | {op} | "
                            + " | ".join(f"{nbytes / t[p] / 1e6:.1f} MB/s, {nids / t[p] / 1e6:.2f} M ids/s" for p in PEERS)
                            + " | " + " | ".join(f"{t[REFERENCE] / t[p]:.2f}" for p in others) + f" | {dotnet.get(op, '-')} |")
                print(rows[-1], flush=True)
            if not CPU:
                one, two = walls["encode ids, batch, 1 thread"], walls["encode ids, batch, 2 threads"]
                scaling.append(f"| {kind} | {corpus} | " + " | ".join(f"{one[p] / two[p]:.2f}" for p in PEERS) + " |")
    sizes = ", ".join(f"{name} {sum(len(t.encode()) for t in texts) / 1e6:.2f} MB in {len(texts):,} lines"
                      for name, texts in texts_by_corpus.items())
    body = (f"Corpora: {sizes}. 32,000-piece models trained by sentencepiece {ref.__version__} on prose, code and "
            f"man pages; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs: "
            + ("process CPU time, best of 7, except the 2-thread rows (wall time)" if CPU else "wall time, best of 7")
            + f" after {WARM} untimed calls"
            + " (load: process CPU time, median of 15). Ids are "
            "checked identical before timing. Rates are UTF-8 input MB/s and million ids/s (of the ids the texts "
            f"encode to, decode included); × = {REFERENCE} time / peer time (> 1: the peer is faster). "
            "Microsoft.ML.Tokenizers: SentencePieceTokenizer (EncodeToIds; pieces: EncodeToTokens, with offsets; wall "
            "time in its own process), bench/dotnet_peers.py.\n\n"
            + head + "\n".join(rows) + "\n"
            + ("" if CPU else "\nencode ids, batch: 2 threads / 1 thread (wall time):\n\n| model | corpus | "
               + " | ".join(PEERS) + " |\n|" + "---|" * (2 + len(PEERS)) + "\n" + "\n".join(scaling) + "\n"))
    results.write_section("sentencepiece", "SentencePiece (`bench/sentencepiece.py`)", body)


if __name__ == "__main__":
    main()
