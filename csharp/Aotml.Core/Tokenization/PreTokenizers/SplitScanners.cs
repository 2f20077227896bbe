using System.Globalization;
using System.Runtime.CompilerServices;
using Aotml.Text;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>
/// Hand-written equivalents of Split regexes that tokenizer.json files ship beyond tiktoken's (those are in
/// <c>Tiktoken/Scanners.cs</c>): DeepSeek V3's digit groups, CJK runs and word pattern. Under the Isolated
/// behaviour a Split keeps the matches and the gaps between them, so the pieces tile the text; each scanner's
/// <c>Next</c> returns the end of the piece at <c>i</c>: the regex's leftmost-first match there, else the gap up to
/// the next position where a match starts.
/// </summary>
/// <remarks>
/// Performance notes: these patterns ran on .NET's regex interpreter (NativeAOT has no compiled regexes) over a
/// UTF-16 copy of each piece, three passes per line; deepseek_v3 pre-tokenized at about 3 MB/s. The scanners walk
/// the UTF-8 once with one table lookup per character. Character classes come from the same
/// <see cref="CharUnicodeInfo"/> data .NET's regex reads, so the pieces are the regex's; the differential tests
/// (SplitScannersTests, and the HF oracle tests) check it.
/// </remarks>
internal static class SplitScanners
{
    public const byte L = 1, M = 2, N = 4, PS = 8, Space = 16, Newline = 32, Cjk = 64, AsciiLetter = 128;

    /// <summary>The exact pattern strings (as tokenizer.json gives them) with a scanner here.</summary>
    public enum Kind { None, DigitGroups, CjkRuns, DeepSeekWords }

    /// <summary>The scanner for <paramref name="pattern"/>, or <see cref="Kind.None"/>.</summary>
    public static Kind Recognize(string pattern) => pattern switch
    {
        @"\p{N}{1,3}" => Kind.DigitGroups,
        "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+" => Kind.CjkRuns,
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+" => Kind.DeepSeekWords,
        @"[!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+" => Kind.DeepSeekWords,
        _ => Kind.None,
    };

    private static readonly byte[] s_bmp = BuildBmp();

    private static byte[] BuildBmp()
    {
        var t = new byte[0x10000];
        for (int c = 0; c < t.Length; c++) t[c] = Compute(c);
        return t;
    }

    // .NET regex classes: \p{L} = Lu Ll Lt Lm Lo, \p{M} = Mn Mc Me, \p{N} = Nd Nl No, \p{P} = Pc Pd Ps Pe Pi Pf Po,
    // \p{S} = Sm Sc Sk So, \s = char.IsWhiteSpace.
    private static byte Compute(int cp)
    {
        if (cp is >= 0xD800 and <= 0xDFFF) return 0;
        byte f = CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => L,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => M,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => N,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => PS,
            _ => 0,
        };
        if (cp < 0x10000 && char.IsWhiteSpace((char)cp)) f |= Space;
        if (cp is '\r' or '\n') f |= Newline;
        if (cp is >= 0x4E00 and <= 0x9FA5 or >= 0x3040 and <= 0x309F or >= 0x30A0 and <= 0x30FF) f |= Cjk;
        if (cp is >= 'A' and <= 'Z' or >= 'a' and <= 'z') f |= AsciiLetter;
        return f;
    }

    /// <summary>Flags of the character at byte <paramref name="i"/> and its UTF-8 length (1 for an invalid byte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte At(ReadOnlySpan<byte> s, int i, out int len)
    {
        byte b = s[i];
        if (b < 0x80) { len = 1; return s_bmp[b]; }
        return AtSlow(s, i, out len);
    }

    private static byte AtSlow(ReadOnlySpan<byte> s, int i, out int len)
    {
        int cp = Utf8.Decode(s, i, out len);
        return (uint)cp < 0x10000 ? s_bmp[cp] : (cp < 0 ? (byte)0 : Compute(cp));
    }

    // The end of the run of characters from i whose flags meet mask.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Run(ReadOnlySpan<byte> s, int i, byte mask)
    {
        while (i < s.Length)
        {
            if ((At(s, i, out int l) & mask) == 0) break;
            i += l;
        }
        return i;
    }

    // The end of the run of characters from i whose flags miss mask.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunNot(ReadOnlySpan<byte> s, int i, byte mask)
    {
        while (i < s.Length)
        {
            if ((At(s, i, out int l) & mask) != 0) break;
            i += l;
        }
        return i;
    }

    /// <summary><c>\p{N}{1,3}</c>: up to three numbers, else the run up to the next number.</summary>
    public struct DigitGroups : IPieceScanner
    {
        /// <inheritdoc/>
        public static int Next(ReadOnlySpan<byte> s, int i)
        {
            if ((At(s, i, out _) & N) == 0) return RunNot(s, i, N);
            for (int k = 0; k < 3 && i < s.Length; k++)
            {
                if ((At(s, i, out int l) & N) == 0) break;
                i += l;
            }
            return i;
        }
    }

    /// <summary><c>[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+</c>: a run of those characters, else the run up to the next.</summary>
    public struct CjkRuns : IPieceScanner
    {
        /// <inheritdoc/>
        public static int Next(ReadOnlySpan<byte> s, int i) =>
            (At(s, i, out _) & Cjk) != 0 ? Run(s, i, Cjk) : RunNot(s, i, Cjk);
    }

    /// <summary>
    /// DeepSeek V3's word pattern: <c>[ASCII punctuation][A-Za-z]+ | [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+ |
    /// ␠?[\p{P}\p{S}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+</c>; characters where none matches (numbers, controls
    /// not before a letter) make gaps, which Isolated keeps as pieces.
    /// </summary>
    public struct DeepSeekWords : IPieceScanner
    {
        /// <inheritdoc/>
        public static int Next(ReadOnlySpan<byte> s, int i)
        {
            int e = Match(s, i, out int l);
            if (e >= 0) return e;
            int j = i + l;
            while (j < s.Length && Match(s, j, out l) < 0) j += l;
            return j;
        }

        // The end of the pattern's match starting at i, or -1; len: the length of the character at i.
        private static int Match(ReadOnlySpan<byte> s, int i, out int len)
        {
            int n = s.Length;
            byte f = At(s, i, out len);
            int next = i + len;
            // [!"#...~][A-Za-z]+ (every ASCII P or S character is in that set, and only they are)
            if (len == 1 && (f & PS) != 0 && next < n && (s_bmp[s[next]] & AsciiLetter) != 0 && s[next] < 0x80)
            {
                int j = next + 1;
                while (j < n && s[j] < 0x80 && (s_bmp[s[j]] & AsciiLetter) != 0) j++;
                return j;
            }
            // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+: a letter or mark starts the run (a leading mark taken by the
            // optional part ends up in the same run); another allowed character needs a letter or mark after it.
            if ((f & (L | M)) != 0) return Run(s, next, L | M);
            if ((f & (PS | Newline)) == 0 && next < n && (At(s, next, out _) & (L | M)) != 0) return Run(s, next, L | M);
            // ␠?[\p{P}\p{S}]+[\r\n]*
            int k = s[i] == (byte)' ' && next < n && (At(s, next, out _) & PS) != 0 ? next : i;
            if (k != i || (f & PS) != 0)
            {
                int j = Run(s, k, PS);
                while (j < n && s[j] is (byte)'\r' or (byte)'\n') j++;
                return j;
            }
            if ((f & Space) != 0) return Whitespace(s, i);
            return -1;
        }

        // \s*[\r\n]+ | \s+(?!\S) | \s+ at a whitespace character.
        private static int Whitespace(ReadOnlySpan<byte> s, int i)
        {
            int j = i, last = i, lastNewline = -1;
            while (j < s.Length)
            {
                byte f = At(s, j, out int l);
                if ((f & Space) == 0) break;
                if ((f & Newline) != 0) lastNewline = j;
                last = j;
                j += l;
            }
            // \s* gives back characters until [\r\n] matches: the run's last \r or \n, which [\r\n]+ takes alone.
            if (lastNewline >= 0) return lastNewline + 1;
            // \s+(?!\S): the whole run at the end of the text, else all but its last character; one character
            // before a non-space falls to \s+.
            if (j == s.Length || last == i) return j;
            return last;
        }
    }
}
