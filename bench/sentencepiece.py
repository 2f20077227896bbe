"""aotml.sentencepiece against python3-sentencepiece (the C++ library): model load time and encode/decode throughput
on 32k-piece unigram and BPE models trained here (cached under build/spm_models). Run with /usr/bin/python3
(the oracle is a Debian package); writes its section of bench/RESULTS.md."""
from __future__ import annotations

import io
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file's own name would shadow the oracle: import it before bench/ is on the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import sentencepiece as ref  # noqa: E402

sys.path[:0] = [str(ROOT / "python"), str(ROOT / "tests"), str(ROOT / "bench")]

import aotml.sentencepiece as spm  # noqa: E402
import dotnet_peers  # noqa: E402
import results  # noqa: E402
from support import corpora  # noqa: E402


def corpus() -> list[str]:
    docs = corpora.english_prose(2_000_000) + corpora.source_code(600_000)
    for lang_docs in corpora.multilingual(250_000).values():
        docs += lang_docs
    return [ln.strip() for d in docs for ln in d.splitlines() if ln.strip()]


def model(kind: str, lines: list[str]) -> bytes:
    path = ROOT / "build" / "spm_models" / f"bench-{kind}-32k.model"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        out = io.BytesIO()
        ref.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=out, model_type=kind,
                                       vocab_size=32000, num_threads=2, minloglevel=2, max_sentence_length=16384,
                                       input_sentence_size=200_000, shuffle_input_sentence=False)
        path.write_bytes(out.getvalue())
    return path.read_bytes()


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


def best(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    lines = corpus()
    texts = lines[:20_000]
    nbytes = sum(len(t.encode()) for t in texts)
    rows = []
    for kind in ("unigram", "bpe"):
        data = model(kind, lines)
        load_a = statistics.median(best(lambda: spm.SentencePieceProcessor(model_proto=data), 1) for _ in range(9))
        load_r = statistics.median(best(lambda: ref.SentencePieceProcessor(model_proto=data), 1) for _ in range(9))
        a, r = spm.SentencePieceProcessor(model_proto=data), ref.SentencePieceProcessor(model_proto=data)
        assert a.encode(texts) == r.encode(texts), "not identical: fix before benchmarking"
        ids = r.encode(texts)
        dotnet = dotnet_column(kind, texts, nbytes)
        cases = [
            ("load", lambda: spm.SentencePieceProcessor(model_proto=data), lambda: ref.SentencePieceProcessor(model_proto=data)),
            ("encode ids, one call per text", lambda: [a.encode(t) for t in texts], lambda: [r.encode(t) for t in texts]),
            ("encode ids, batch, 1 thread", lambda: a.encode(texts, num_threads=1), lambda: r.encode(texts, num_threads=1)),
            ("encode ids, batch, 2 threads", lambda: a.encode(texts, num_threads=2), lambda: r.encode(texts, num_threads=2)),
            ("encode pieces, batch, 1 thread", lambda: a.encode(texts, out_type=str, num_threads=1),
             lambda: r.encode(texts, out_type=str, num_threads=1)),
            ("decode ids, batch, 1 thread", lambda: a.decode(ids, num_threads=1), lambda: r.decode(ids, num_threads=1)),
        ]
        for label, fa, fr in cases:
            if label == "load":
                ta, tr = load_a, load_r
                rows.append(f"| {kind} | {label} | {ta * 1e3:.1f} ms | {tr * 1e3:.1f} ms | {tr / ta:.2f} | "
                            f"{dotnet.get(label, '-')} |")
            else:
                ta, tr = best(fa, 3), best(fr, 3)
                rows.append(f"| {kind} | {label} | {nbytes / ta / 1e6:.1f} MB/s | {nbytes / tr / 1e6:.1f} MB/s | "
                            f"{tr / ta:.2f} | {dotnet.get(label, '-')} |")
        print("\n".join(rows[-len(cases):]), flush=True)
    body = (f"{len(texts):,} lines ({nbytes / 1e6:.1f} MB: English prose, code, five languages of man pages), "
            f"32,000-piece models trained by sentencepiece {ref.__version__} on this corpus; "
            f"{platform.processor() or platform.machine()}, best of 3 (load: median of 9). Ids are checked identical "
            "before timing. Ratio = sentencepiece time / aotml time (> 1: aotml is faster). Microsoft.ML.Tokenizers: "
            "SentencePieceTokenizer (EncodeToIds; pieces: EncodeToTokens, with offsets), bench/dotnet_peers.py.\n\n"
            "| model | operation | aotml | sentencepiece | ratio | Microsoft.ML.Tokenizers |\n|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    results.write_section("sentencepiece", "SentencePiece (`bench/sentencepiece.py`)", body)


if __name__ == "__main__":
    main()
