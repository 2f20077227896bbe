using System.Text;
using System.Runtime.CompilerServices;
using Aotml.Text.Generated;

namespace Aotml.Text.Normalization;

/// <summary>Reads the generated normalization tables; Hangul syllables are computed (UAX #15, "Hangul").</summary>
/// <remarks>Every lookup takes the emulated version (<see cref="Ucd.Latest"/> or an older one): a code point newer
/// than it has no decomposition, no composition and class 0, which is what older tables say of it. Stability
/// policies keep the data of older code points unchanged, so this is exact.</remarks>
internal static class NormalizationData
{
    internal const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    internal const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private const int PairCountShift = 10;
    private const int NfcNo = 1 << 18, NfcMaybe = 1 << 19, NfkcNo = 1 << 20, NfkcMaybe = 1 << 21;
    private const int NfdNo = 1 << 22, NfkdNo = 1 << 23;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte RawCcc(int cp) =>
        (uint)cp < NormalizationTables.CccLimit
            ? NormalizationTables.CccBlocks[NormalizationTables.CccIndex[cp >> NormalizationTables.CccShift] << NormalizationTables.CccShift | (cp & ((1 << NormalizationTables.CccShift) - 1))]
            : (byte)0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RawRecord(int cp) =>
        (uint)cp < NormalizationTables.RecordLimit
            ? NormalizationTables.RecordBlocks[NormalizationTables.RecordIndex[cp >> NormalizationTables.RecordShift] << NormalizationTables.RecordShift | (cp & ((1 << NormalizationTables.RecordShift) - 1))]
            : 0;

    /// <summary>Canonical combining class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte Ccc(int cp, byte version)
    {
        byte c = RawCcc(cp);
        return c != 0 && version != Ucd.Latest && Ucd.Age(cp) > version ? (byte)0 : c;
    }

    /// <summary>Offset of the code point's record in <see cref="NormalizationTables.Records"/>, 0 when none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Record(int cp, byte version)
    {
        int r = RawRecord(cp);
        return r != 0 && version != Ucd.Latest && Ucd.Age(cp) > version ? 0 : r;
    }

    /// <summary>The full decomposition of a code point with a record, empty when it has none for this form.</summary>
    internal static ReadOnlySpan<int> Decomposition(int record, bool compat)
    {
        var recs = NormalizationTables.Records;
        int h = recs[record];
        int canon = h & 31, k = h >> 5 & 31;
        return compat && k != 0 ? recs.Slice(record + 1 + canon, k) : recs.Slice(record + 1, canon);
    }

    /// <summary>Whether a code point is a precomposed Hangul syllable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsHangulSyllable(int cp) => (uint)(cp - SBase) < SCount;

    /// <summary>The primary composite of a pair, or -1 (canonical composition, exclusions respected).</summary>
    internal static int Compose(int first, int second, byte version)
    {
        if ((uint)(first - LBase) < LCount && (uint)(second - VBase) < VCount)
            return SBase + ((first - LBase) * VCount + second - VBase) * TCount;
        if (IsHangulSyllable(first) && (first - SBase) % TCount == 0 && (uint)(second - TBase - 1) < TCount - 1)
            return first + second - TBase;
        int r = Record(first, version);
        if (r == 0)
            return -1;
        var recs = NormalizationTables.Records;
        int h = recs[r];
        int n = h >> PairCountShift & 255;
        int at = r + 1 + (h & 31) + (h >> 5 & 31);
        // Pairs are sorted by second; a first character has at most a few dozen.
        for (int i = 0; i < n; i++)
        {
            int s = recs[at + 2 * i];
            if (s == second)
            {
                int composite = recs[at + 2 * i + 1];
                return version != Ucd.Latest && Ucd.Age(composite) > version ? -1 : composite;
            }
            if (s > second)
                break;
        }
        return -1;
    }

    /// <summary>The quick-check property: 0 yes, 1 maybe, 2 no.</summary>
    internal static int QuickCheck(int cp, NormalizationForm form, byte version)
    {
        if (IsHangulSyllable(cp))
            return form is NormalizationForm.FormD or NormalizationForm.FormKD ? 2 : 0;
        int r = Record(cp, version);
        if (r == 0)
            return 0;
        int h = NormalizationTables.Records[r];
        return form switch
        {
            NormalizationForm.FormC => (h & NfcNo) != 0 ? 2 : (h & NfcMaybe) != 0 ? 1 : 0,
            NormalizationForm.FormKC => (h & NfkcNo) != 0 ? 2 : (h & NfkcMaybe) != 0 ? 1 : 0,
            NormalizationForm.FormD => (h & NfdNo) != 0 ? 2 : 0,
            _ => (h & NfkdNo) != 0 ? 2 : 0,
        };
    }
}
