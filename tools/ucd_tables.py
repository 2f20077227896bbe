#!/usr/bin/env python3
"""Generates the Unicode tables of Aotml.Core/Text/Generated from the UCD of Debian's `unicode-data` package.

Usage: python3 tools/ucd_tables.py            writes the tables
       python3 tools/ucd_tables.py --check    exits 1 when a committed table differs from what the UCD gives

Unicode versions (what Hugging Face `tokenizers` uses, read from its Cargo.toml and the crates' sources, and
confirmed by probing the npm `tokenizers` 0.23.2 native addon):
  * normalization (NFC/NFD/NFKC/NFKD): `unicode-normalization-alignments` 0.1.12, whose tables are Unicode 9.0.0;
    characters assigned after 9.0 pass through unchanged there (U+1FBF0 stays, NFKC gives '0' in 15.0).
  * `unicode_categories` 0.1.1 (punctuation for the Bert/Punctuation pre-tokenizers, Mn for strip_accents,
    "other" for Bert clean_text): Unicode 8.0.0 (U+2E42 is punctuation there, U+2E43 (9.0) is not; U+0898 (14.0,
    Mn) is not stripped). Its is_other never reports unassigned code points (U+0378 survives clean_text).
  * Rust std char methods (is_whitespace, is_alphanumeric, is_numeric, to_lowercase, to_uppercase): the Unicode of
    the rustc that built the release, 16.0.0 (U+1C89 lowercases to U+1C8A; U+10D40 is numeric).
We pin one UCD, 15.0.0, and publish the Age of every code point so the engine can emulate the older versions
exactly (a character newer than the emulated version is treated as unassigned: normalization data, and general
category, are stable for assigned characters under Unicode's stability policies). Unicode 16.0 additions used by
Rust std (new letters, digits and case pairs) are absent here; see `Ucd.Version`.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

UCD = Path("/usr/share/unicode")
OUT = Path(__file__).resolve().parent.parent / "csharp" / "Aotml.Core" / "Text" / "Generated"
NAMESPACE = "Aotml.Text.Generated"
MAX = 0x110000

# General categories in the order of the generated enum (values are stable: tables store them).
CATEGORIES = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
              "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"]
CATEGORY_NAMES = {
    "Cn": "Unassigned", "Lu": "UppercaseLetter", "Ll": "LowercaseLetter", "Lt": "TitlecaseLetter",
    "Lm": "ModifierLetter", "Lo": "OtherLetter", "Mn": "NonspacingMark", "Mc": "SpacingMark",
    "Me": "EnclosingMark", "Nd": "DecimalNumber", "Nl": "LetterNumber", "No": "OtherNumber",
    "Pc": "ConnectorPunctuation", "Pd": "DashPunctuation", "Ps": "OpenPunctuation", "Pe": "ClosePunctuation",
    "Pi": "InitialPunctuation", "Pf": "FinalPunctuation", "Po": "OtherPunctuation", "Sm": "MathSymbol",
    "Sc": "CurrencySymbol", "Sk": "ModifierSymbol", "So": "OtherSymbol", "Zs": "SpaceSeparator",
    "Zl": "LineSeparator", "Zp": "ParagraphSeparator", "Cc": "Control", "Cf": "Format", "Cs": "Surrogate",
    "Co": "PrivateUse"}
UNASSIGNED_AGE = 0xFF

# Bits of a normalization record header (see NormalizationData.cs, which reads them).
CANON_LEN_BITS = 0       # 5 bits: length of the full canonical decomposition
COMPAT_LEN_BITS = 5      # 5 bits: length of the full compatibility decomposition when it differs
PAIR_COUNT_BITS = 10     # 8 bits: compositions with this character first
NFC_NO, NFC_MAYBE, NFKC_NO, NFKC_MAYBE, NFD_NO, NFKD_NO = (1 << b for b in range(18, 24))


def ranges(path: Path):
    """Yields (first, last, fields) for each data line of a UCD property file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(";")]
        lo, _, hi = fields[0].partition("..")
        yield int(lo, 16), int(hi or lo, 16), fields[1:]


def ucd_version() -> str:
    first = (UCD / "DerivedAge.txt").read_text(encoding="utf-8").splitlines()[0]
    match = re.search(r"-(\d+\.\d+\.\d+)\.txt", first)
    if not match:
        raise SystemExit("cannot read the UCD version from DerivedAge.txt")
    return match.group(1)


def unicode_data():
    """Per code point: (category, ccc, decomposition tag, decomposition, simple upper, simple lower)."""
    rows: dict[int, tuple] = {}
    first = None
    for line in (UCD / "UnicodeData.txt").read_text(encoding="utf-8").splitlines():
        f = line.split(";")
        cp = int(f[0], 16)
        decomp_tag, decomp = None, []
        if f[5]:
            parts = f[5].split()
            if parts[0].startswith("<"):
                decomp_tag, parts = parts[0], parts[1:]
            decomp = [int(p, 16) for p in parts]
        row = (f[2], int(f[3]), decomp_tag, decomp, int(f[12], 16) if f[12] else None,
               int(f[13], 16) if f[13] else None)
        if f[1].endswith(", First>"):
            first = cp
            continue
        if f[1].endswith(", Last>"):
            for c in range(first, cp + 1):  # type: ignore[arg-type]
                rows[c] = (f[2], int(f[3]), None, [], None, None)
            continue
        rows[cp] = row
    return rows


def two_stage(values: list[int], default: int, name: str, elem: str) -> tuple[str, int]:
    """A two-stage table: an index of block numbers, then deduplicated blocks; the block size is whichever power
    of two gives the smallest pair. Code points past the last non-default block read as `default`."""
    best = None
    for shift in range(4, 10):
        size = 1 << shift
        blocks: dict[tuple, int] = {tuple([default] * size): 0}
        data: list[int] = [default] * size
        index: list[int] = []
        nblocks = MAX >> shift
        while nblocks > 0 and all(v == default for v in values[(nblocks - 1) * size:nblocks * size]):
            nblocks -= 1
        for b in range(nblocks):
            block = tuple(values[b * size:(b + 1) * size])
            if block not in blocks:
                blocks[block] = len(blocks)
                data.extend(block)
            index.append(blocks[block])
        index_elem = "byte" if len(blocks) <= 256 else "ushort"
        nbytes = len(index) * (1 if index_elem == "byte" else 2) + len(data) * {"byte": 1, "ushort": 2}[elem]
        if best is None or nbytes < best[0]:
            best = (nbytes, shift, index, data, index_elem, nblocks)
    nbytes, shift, index, data, index_elem, nblocks = best
    size = 1 << shift
    text = (f"    /// <summary>Block size of {name} is 1 &lt;&lt; {name}Shift.</summary>\n"
            f"    internal const int {name}Shift = {shift};\n\n"
            f"    /// <summary>Block number of each {size}-code-point block (first stage of {name}).</summary>\n"
            f"    internal static ReadOnlySpan<{index_elem}> {name}Index => new {index_elem}[] {{\n"
            f"{fmt(index)}\n    }};\n\n"
            f"    /// <summary>Deduplicated blocks (second stage of {name}).</summary>\n"
            f"    internal static ReadOnlySpan<{elem}> {name}Blocks => new {elem}[] {{\n{fmt(data)}\n    }};\n\n"
            f"    /// <summary>Code points at or past this one read as the default.</summary>\n"
            f"    internal const int {name}Limit = 0x{nblocks << shift:X};\n")
    return text, nbytes


def fmt(values: list[int], per_line: int = 24) -> str:
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("        " + ", ".join(str(v) for v in values[i:i + per_line]) + ",")
    return "\n".join(lines)


def header(version: str) -> str:
    return (f"// generated by tools/ucd_tables.py from UCD {version}; do not edit\n"
            f"// <auto-generated/>\nnamespace {NAMESPACE};\n\n")


def normalization(version: str, rows) -> tuple[str, dict]:
    ccc = [0] * MAX
    for cp, r in rows.items():
        ccc[cp] = r[1]
    canon = {cp: r[3] for cp, r in rows.items() if r[3] and r[2] is None}
    compat = {cp: r[3] for cp, r in rows.items() if r[3] and r[2] is not None}

    def full(cp: int, with_compat: bool) -> list[int]:
        d = canon.get(cp) or (compat.get(cp) if with_compat else None)
        if d is None:
            return [cp]
        return [x for c in d for x in full(c, with_compat)]

    exclusions = set()
    for lo, hi, f in ranges(UCD / "DerivedNormalizationProps.txt"):
        if f[0] == "Full_Composition_Exclusion":
            exclusions.update(range(lo, hi + 1))
    qc: dict[int, int] = {}
    bits = {("NFC_QC", "N"): NFC_NO, ("NFC_QC", "M"): NFC_MAYBE, ("NFKC_QC", "N"): NFKC_NO,
            ("NFKC_QC", "M"): NFKC_MAYBE, ("NFD_QC", "N"): NFD_NO, ("NFKD_QC", "N"): NFKD_NO}
    for lo, hi, f in ranges(UCD / "DerivedNormalizationProps.txt"):
        bit = bits.get((f[0], f[1] if len(f) > 1 else ""))
        if bit:
            for cp in range(lo, hi + 1):
                qc[cp] = qc.get(cp, 0) | bit
    pairs: dict[int, list[tuple[int, int]]] = {}
    for cp, d in canon.items():
        if len(d) == 2 and cp not in exclusions:
            pairs.setdefault(d[0], []).append((d[1], cp))

    hangul = range(0xAC00, 0xAC00 + 11172)  # decomposed and composed by algorithm
    records: list[int] = [0]  # record 0: "nothing to do" (never referenced by a code point)
    index = [0] * MAX
    seen: dict[tuple, int] = {}
    for cp in range(MAX):
        if cp in hangul:
            continue
        c = full(cp, False) if cp in canon else []
        k = full(cp, True) if (cp in canon or cp in compat) else []
        if k == c:
            k = []
        p = sorted(pairs.get(cp, []))
        flags = qc.get(cp, 0)
        if not (c or k or p or flags):
            continue
        assert len(c) < 32 and len(k) < 32 and len(p) < 256
        rec = [len(c) << CANON_LEN_BITS | len(k) << COMPAT_LEN_BITS | len(p) << PAIR_COUNT_BITS | flags,
               *c, *k, *[x for pair in p for x in pair]]
        key = tuple(rec)
        if key not in seen:
            seen[key] = len(records)
            records.extend(rec)
        index[cp] = seen[key]
    assert len(records) < 65536, "record offsets must fit in ushort"

    ccc_text, ccc_size = two_stage(ccc, 0, "Ccc", "byte")
    rec_text, rec_size = two_stage(index, 0, "Record", "ushort")
    text = header(version) + (
        "/// <summary>Normalization data: canonical combining classes, full decompositions, primary compositions and\n"
        "/// quick-check properties, read by <c>Aotml.Text.Normalization.NormalizationData</c>.</summary>\n"
        "internal static class NormalizationTables\n{\n"
        f"{ccc_text}\n{rec_text}\n"
        "    /// <summary>Records: a header (decomposition lengths, composition count, quick-check bits) then the\n"
        "    /// canonical decomposition, the compatibility decomposition when it differs, and (second, composite)\n"
        "    /// pairs sorted by second.</summary>\n"
        f"    internal static ReadOnlySpan<int> Records => new int[] {{\n{fmt(records, 16)}\n    }};\n"
        "}\n")
    stats = {"normalization bytes": ccc_size + rec_size + 4 * len(records)}
    return text, stats


def properties(version: str, rows) -> tuple[str, dict]:
    props = [0] * MAX  # low 5 bits: category; bit 5: White_Space; bit 6: Alphabetic
    for cp, r in rows.items():
        props[cp] = CATEGORIES.index(r[0])
    for lo, hi, f in ranges(UCD / "PropList.txt"):
        if f[0] == "White_Space":
            for cp in range(lo, hi + 1):
                props[cp] |= 1 << 5
    for lo, hi, f in ranges(UCD / "DerivedCoreProperties.txt"):
        if f[0] == "Alphabetic":
            for cp in range(lo, hi + 1):
                props[cp] |= 1 << 6
    age = [UNASSIGNED_AGE] * MAX
    for lo, hi, f in ranges(UCD / "DerivedAge.txt"):
        major, minor = (int(x) for x in f[0].split("."))
        for cp in range(lo, hi + 1):
            age[cp] = major << 2 | minor
    p_text, p_size = two_stage(props, 0, "Props", "byte")
    a_text, a_size = two_stage(age, UNASSIGNED_AGE, "Age", "byte")
    enum = "\n".join(f"    /// <summary>{c}</summary>\n    {CATEGORY_NAMES[c]} = {i},"
                     for i, c in enumerate(CATEGORIES))
    text = header(version) + (
        "/// <summary>General category (the UCD's two-letter values, in table order).</summary>\n"
        f"public enum GeneralCategory : byte\n{{\n{enum}\n}}\n\n"
        "/// <summary>Per-code-point properties: general category, White_Space, Alphabetic, and Age (the version that\n"
        "/// assigned the code point, as major &lt;&lt; 2 | minor; 0xFF when unassigned).</summary>\n"
        "internal static class PropertyTables\n{\n"
        f"{p_text}\n{a_text}"
        "}\n")
    return text, {"property bytes": p_size + a_size}


def casing(version: str, rows) -> tuple[str, dict]:
    """Rust's char::to_lowercase/to_uppercase: UnicodeData simple mappings, overridden by the unconditional
    (language- and context-free) mappings of SpecialCasing.txt."""
    lower = {cp: [r[5]] for cp, r in rows.items() if r[5] is not None}
    upper = {cp: [r[4]] for cp, r in rows.items() if r[4] is not None}
    for line in (UCD / "SpecialCasing.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        f = [x.strip() for x in line.split(";")]
        if f[4]:  # a condition list: language or context dependent, which char::to_* ignore
            continue
        cp = int(f[0], 16)
        lower[cp] = [int(x, 16) for x in f[1].split()]
        upper[cp] = [int(x, 16) for x in f[3].split()]
    texts, size = [], 0
    for name, mapping in (("Lower", lower), ("Upper", upper)):
        # A one-character mapping is stored as a difference, so runs like A-Z share one entry and blocks dedupe.
        data = [0]
        index = [0] * MAX
        entries: dict[tuple, int] = {}
        for cp in sorted(mapping):
            m = mapping[cp]
            if m == [cp]:
                continue
            entry = (1, m[0] - cp) if len(m) == 1 else (len(m), *m)
            if entry not in entries:
                entries[entry] = len(data)
                data.extend(entry)
            index[cp] = entries[entry]
        assert len(data) < 65536
        t, s = two_stage(index, 0, name, "ushort")
        texts.append(t + f"\n    /// <summary>{name}case mappings: a length, then the code points (for length 1, "
                     f"the difference from the mapped code point).</summary>\n"
                     f"    internal static ReadOnlySpan<int> {name}Data => new int[] {{\n{fmt(data, 16)}\n    }};\n")
        size += s + 4 * len(data)
    text = header(version) + (
        "/// <summary>Full case mappings as Rust's char::to_lowercase/to_uppercase apply them.</summary>\n"
        "internal static class CaseTables\n{\n" + "\n".join(texts) + "}\n")
    return text, {"case bytes": size}


def generate() -> dict[str, str]:
    version = ucd_version()
    rows = unicode_data()
    files = {}
    stats = {}
    for name, fn in (("NormalizationTables.g.cs", normalization), ("PropertyTables.g.cs", properties),
                     ("CaseTables.g.cs", casing)):
        text, s = fn(version, rows)
        files[name] = text
        stats.update(s)
    files["UcdVersion.g.cs"] = header(version) + (
        "/// <summary>The version of the Unicode Character Database the tables come from.</summary>\n"
        "public static class UcdVersion\n{\n"
        f"    /// <summary>Major, minor, update.</summary>\n"
        f"    public static readonly Version Value = new({version.replace('.', ', ')});\n}}\n")
    generate.stats = stats  # type: ignore[attr-defined]
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    if not (UCD / "UnicodeData.txt").exists():
        raise SystemExit(f"{UCD} has no UnicodeData.txt: apt-get install unicode-data")
    files = generate()
    stale = []
    for name, text in files.items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale generated tables: {', '.join(stale)}; run python3 tools/ucd_tables.py", file=sys.stderr)
        return 1
    print(" ".join(f"{k}={v}" for k, v in generate.stats.items()), file=sys.stderr)  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
