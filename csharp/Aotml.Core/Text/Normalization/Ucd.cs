using System.Runtime.CompilerServices;
using Aotml.Text.Generated;

namespace Aotml.Text.Normalization;

/// <summary>Character properties from the pinned UCD (see <see cref="UcdVersion"/>), with the Age needed to emulate
/// the older Unicode versions that Hugging Face's crates were built with.</summary>
public static class Ucd
{
    /// <summary>Age of a code point unassigned in the pinned UCD.</summary>
    public const byte Unassigned = 0xFF;

    /// <summary>No emulation: every assigned code point of the pinned UCD counts.</summary>
    public const byte Latest = 0xFE;

    /// <summary>Unicode 8.0: the tables of the <c>unicode_categories</c> crate (punctuation, Mn, "other").</summary>
    public const byte Unicode8 = 8 << 2;

    /// <summary>Unicode 9.0: the tables of <c>unicode-normalization-alignments</c> (HF's NFC/NFD/NFKC/NFKD).</summary>
    public const byte Unicode9 = 9 << 2;

    /// <summary>Encodes a version as Age values are stored (major &lt;&lt; 2 | minor).</summary>
    public static byte AgeOf(int major, int minor) => (byte)(major << 2 | minor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte Props(int cp) =>
        (uint)cp < PropertyTables.PropsLimit
            ? PropertyTables.PropsBlocks[PropertyTables.PropsIndex[cp >> PropertyTables.PropsShift] << PropertyTables.PropsShift | (cp & ((1 << PropertyTables.PropsShift) - 1))]
            : (byte)0;

    /// <summary>The version (major &lt;&lt; 2 | minor) that assigned the code point, or <see cref="Unassigned"/>.</summary>
    public static byte Age(int cp) =>
        (uint)cp < PropertyTables.AgeLimit
            ? PropertyTables.AgeBlocks[PropertyTables.AgeIndex[cp >> PropertyTables.AgeShift] << PropertyTables.AgeShift | (cp & ((1 << PropertyTables.AgeShift) - 1))]
            : Unassigned;

    /// <summary>Whether the code point was assigned in the given version (or earlier).</summary>
    public static bool IsAssigned(int cp, byte version = Latest) => Age(cp) <= version;

    /// <summary>General category; <see cref="GeneralCategory.Unassigned"/> for code points newer than
    /// <paramref name="version"/>.</summary>
    public static GeneralCategory Category(int cp, byte version = Latest)
    {
        var c = (GeneralCategory)(Props(cp) & 31);
        if (version == Latest) return c;
        if (Age(cp) > version) return GeneralCategory.Unassigned;
        return OlderCategory(cp, version) ?? c;
    }

    // The few assigned code points whose category changed between Unicode 8.0 and the pinned UCD, in the categories the
    // emulated tables are asked about (punctuation, marks, "other"): the category before the version that changed it.
    // Found by comparing every code point with Hugging Face tokenizers' own results.
    private static GeneralCategory? OlderCategory(int cp, byte version) => cp switch
    {
        0x166D when version < AgeOf(12, 0) => GeneralCategory.OtherPunctuation,    // CANADIAN SYLLABICS CHI SIGN, now So
        0x111C9 when version < AgeOf(11, 0) => GeneralCategory.OtherPunctuation,   // SHARADA SANDHI MARK, now Mn
        0x1734 when version < AgeOf(14, 0) => GeneralCategory.NonspacingMark,      // HANUNOO SIGN PAMUDPOD, now Mc
        0x1885 or 0x1886 when version < AgeOf(9, 0) => GeneralCategory.OtherLetter, // MONGOLIAN LETTER ALI GALI BALUDA/THREE BALUDA, now Mn
        0xA9BD when version < AgeOf(12, 0) => GeneralCategory.SpacingMark,         // JAVANESE CONSONANT SIGN KERET, now Mn
        0x1CF2 or 0x1CF3 when version < AgeOf(10, 0) => GeneralCategory.SpacingMark, // VEDIC SIGN ARDHAVISARGA/ROTATED ARDHAVISARGA, now Lo
        _ => null,
    };

    /// <summary>The White_Space property (Rust's <c>char::is_whitespace</c>).</summary>
    public static bool IsWhiteSpace(int cp) => (Props(cp) & 32) != 0;

    /// <summary>The Alphabetic property (Rust's <c>char::is_alphabetic</c>).</summary>
    public static bool IsAlphabetic(int cp) => (Props(cp) & 64) != 0;

    /// <summary>Nd, Nl or No (Rust's <c>char::is_numeric</c>).</summary>
    public static bool IsNumeric(int cp) => Category(cp) is GeneralCategory.DecimalNumber or
        GeneralCategory.LetterNumber or GeneralCategory.OtherNumber;

    /// <summary>Writes the full lowercase mapping (Rust's <c>char::to_lowercase</c>: unconditional mappings only) to
    /// <paramref name="dest"/> (at least 3 long) and returns its length.</summary>
    public static int ToLower(int cp, Span<int> dest) =>
        Map(cp, dest, (uint)cp < CaseTables.LowerLimit ? CaseTables.LowerBlocks[CaseTables.LowerIndex[cp >> CaseTables.LowerShift] << CaseTables.LowerShift | (cp & ((1 << CaseTables.LowerShift) - 1))] : 0,
            CaseTables.LowerData);

    /// <summary>As <see cref="ToLower"/>, for Rust's <c>char::to_uppercase</c>.</summary>
    public static int ToUpper(int cp, Span<int> dest) =>
        Map(cp, dest, (uint)cp < CaseTables.UpperLimit ? CaseTables.UpperBlocks[CaseTables.UpperIndex[cp >> CaseTables.UpperShift] << CaseTables.UpperShift | (cp & ((1 << CaseTables.UpperShift) - 1))] : 0,
            CaseTables.UpperData);

    private static int Map(int cp, Span<int> dest, int at, ReadOnlySpan<int> data)
    {
        if ((uint)cp >= 0x110000 || at == 0)
        {
            dest[0] = cp;
            return 1;
        }
        int n = data[at];
        if (n == 1)
        {
            dest[0] = cp + data[at + 1];
            return 1;
        }
        data.Slice(at + 1, n).CopyTo(dest);
        return n;
    }
}
