"""Real text for the differential tests and benchmarks, read at run time from what the machine has (nothing is
committed): English prose (licenses, node's API docs), source code (CPython's stdlib, C headers) and man pages in
German, French, Japanese, Russian and Chinese (Debian's manpages-de/-fr/-ja/-ru/-zh, installed by build.py).
Each helper returns whole documents up to a budget of UTF-8 bytes, in a stable order."""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import Callable

MANPAGE_LANGS = ("de", "fr", "ja", "ru", "zh_CN")


def _take(paths: list[Path], budget: int, read: Callable[[Path], str]) -> list[str]:
    out, total = [], 0
    for p in paths:
        if total >= budget:
            break
        try:
            text = read(p)
        except (OSError, UnicodeDecodeError, EOFError):
            continue
        if text.strip():
            out.append(text)
            total += len(text.encode("utf-8"))
    return out


def manpages(lang: str, budget: int) -> list[str]:
    """Man pages in one language (a directory under /usr/share/man: de, fr, ja, ru, zh_CN)."""
    root = Path("/usr/share/man") / lang
    paths = sorted(root.rglob("*.gz")) if root.is_dir() else []
    return _take(paths, budget, lambda p: gzip.decompress(p.read_bytes()).decode("utf-8"))


def english_prose(budget: int) -> list[str]:
    paths = sorted(Path("/usr/share/common-licenses").glob("*")) + sorted(Path("/usr/share/doc/nodejs/api").glob("*.md"))
    return _take([p for p in paths if p.is_file()], budget, lambda p: p.read_text(encoding="utf-8"))


def source_code(budget: int) -> list[str]:
    py = sorted(Path("/usr/lib/python3.11").glob("*.py"))
    c = sorted(Path("/usr/include").glob("*.h"))
    # Interleave languages so a small budget still has both.
    paths = [p for pair in zip(py, c) for p in pair]
    return _take(paths, budget, lambda p: p.read_text(encoding="utf-8"))


def multilingual(budget_per_lang: int) -> dict[str, list[str]]:
    """Man pages per language, keyed by language."""
    return {lang: manpages(lang, budget_per_lang) for lang in MANPAGE_LANGS}


def lines(docs: list[str], limit: int) -> list[str]:
    """Up to `limit` non-empty lines of the documents: many short texts for batch tests."""
    out: list[str] = []
    for doc in docs:
        for line in doc.splitlines():
            if line.strip():
                out.append(line)
                if len(out) >= limit:
                    return out
    return out


# Short texts that exercise normalizers, pre-tokenizers and offsets: accents (composed and combining), case
# folding that changes length, CJK, non-BMP characters, control and zero-width characters, odd whitespace.
TRICKY = [
    "", " ", "  leading and trailing  ", "\t\ttabs\tand\nnew\r\nlines\n",
    "Héllo wörld! naïve café résumé", "Cafe\u0301 e\u0301te\u0301 (combining accents)", "ÅNGSTRÖM İstanbul ß ẞ ǅ",
    "東京は日本の首都です。", "北京欢迎你", "서울특별시", "Привет, мир!", "مرحبا بالعالم", "שלום עולם",
    "emoji 😀👍🏽 👨‍👩‍👧 🇩🇪 done", "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛", "ﬁ ﬂ ① ㈱ ｆｕｌｌｗｉｄｔｈ",
    "zero\u200bwidth\u200djoiner\ufeffbom", "ctrl\x00\x01\x1f\x7f chars", "nbsp\u00a0thin\u2009ideographic\u3000space",
    "don't won't it's y'all", "snake_case camelCase kebab-case 3.14159 1,000,000 0x1F",
    "<s> [CLS] <|endoftext|> [MASK] special-looking", "a" * 300, "supercalifragilisticexpialidocious " * 4,
]
