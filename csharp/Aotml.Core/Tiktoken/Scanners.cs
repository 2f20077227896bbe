using System.Runtime.CompilerServices;
using Aotml.Tokenization;
using static Aotml.Text.CharClass;

namespace Aotml.Tiktoken;

/// <summary>
/// Hand-written equivalents of the known tiktoken split patterns. Each <c>Next</c> returns the end of the piece
/// that starts at <c>i</c>: the leftmost-first (backtracking) match of the pattern there. These patterns match at
/// every position, so the pieces tile the text. The reasoning for each alternative is in the comments; the
/// differential tests against tiktoken are the proof.
/// </summary>
internal static class Scanners
{
    private const byte Word = Letter | Number | Space;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Run(ReadOnlySpan<byte> s, int i, byte mask)
    {
        while (i < s.Length)
        {
            byte f = At(s, i, out int l);
            if ((f & mask) == 0) break;
            i += l;
        }
        return i;
    }

    // [^\s\p{L}\p{N}]+
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunOther(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length)
        {
            byte f = At(s, i, out int l);
            if ((f & Word) != 0) break;
            i += l;
        }
        return i;
    }

    // \p{N}{1,3}
    private static int RunDigits3(ReadOnlySpan<byte> s, int i)
    {
        for (int k = 0; k < 3 && i < s.Length; k++)
        {
            if ((At(s, i, out int l) & Number) == 0) break;
            i += l;
        }
        return i;
    }

    /// <summary>
    /// Whitespace alternatives, tried in order at a whitespace character: (cl100k/o200k only) <c>\s*[\r\n]+</c>,
    /// then <c>\s+(?!\S)</c>, then <c>\s+</c>.
    /// </summary>
    private static int Whitespace(ReadOnlySpan<byte> s, int i, bool newlineAlternative)
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
        // \s* backtracks to the last \r or \n of the run; [\r\n]+ then takes just it (nothing after it is \r\n).
        if (newlineAlternative && lastNewline >= 0) return lastNewline + 1;
        // \s+(?!\S): the whole run at the end of text, else the run minus its last character (which then prefixes
        // the next word); a single character before non-space falls through to \s+.
        if (j == s.Length || last == i) return j;
        return last;
    }

    // 's|'t|'re|'ve|'m|'ll|'d, case-sensitive; s[i] == '\''. Returns the length matched or 0.
    private static int Contraction(ReadOnlySpan<byte> s, int i)
    {
        if (i + 1 >= s.Length) return 0;
        byte c = s[i + 1];
        if (c is (byte)'s' or (byte)'t' or (byte)'m' or (byte)'d') return 2;
        if (i + 2 >= s.Length) return 0;
        byte e = s[i + 2];
        if ((c is (byte)'r' or (byte)'v' && e == 'e') || (c == 'l' && e == 'l')) return 3;
        return 0;
    }

    // (?i:'s|'t|'re|'ve|'m|'ll|'d): Unicode simple case folding adds only U+017F (long s, C5 BF) to these letters.
    private static int ContractionIgnoreCase(ReadOnlySpan<byte> s, int i)
    {
        if (i + 1 >= s.Length) return 0;
        int c = s[i + 1] | 0x20;
        if (c is 's' or 't' or 'm' or 'd' && s[i + 1] < 0x80) return 2;
        if (s[i + 1] == 0xC5 && i + 2 < s.Length && s[i + 2] == 0xBF) return 3;
        if (i + 2 >= s.Length || s[i + 1] >= 0x80 || s[i + 2] >= 0x80) return 0;
        int e = s[i + 2] | 0x20;
        if ((c is 'r' or 'v' && e == 'e') || (c == 'l' && e == 'l')) return 3;
        return 0;
    }

    /// <summary><c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> (gpt2, r50k, p50k).</summary>
    public static int NextGpt2(ReadOnlySpan<byte> s, int i)
    {
        byte b = s[i];
        if (b == '\'')
        {
            int k = Contraction(s, i);
            if (k > 0) return i + k;
        }
        byte f = At(s, i, out _);
        int j = i;
        if (b == ' ' && i + 1 < s.Length)
        {
            byte g = At(s, i + 1, out _);
            if ((g & Space) == 0) { j = i + 1; f = g; }
        }
        if ((f & Letter) != 0) return Run(s, j, Letter);
        if ((f & Number) != 0) return Run(s, j, Number);
        if ((f & Space) == 0) return RunOther(s, j);
        return Whitespace(s, i, newlineAlternative: false);
    }

    /// <summary>
    /// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>
    /// (cl100k).
    /// </summary>
    public static int NextCl100k(ReadOnlySpan<byte> s, int i)
    {
        byte b = s[i];
        if (b == '\'')
        {
            int k = ContractionIgnoreCase(s, i);
            if (k > 0) return i + k;
        }
        byte f = At(s, i, out int len);
        if ((f & (Letter | Number | Newline)) == 0)
        {
            // The optional prefix is taken only if a letter follows; otherwise it backs off and \p{L}+ fails here.
            if (i + len < s.Length && (At(s, i + len, out _) & Letter) != 0) return Run(s, i + len, Letter);
        }
        else if ((f & Letter) != 0) return Run(s, i, Letter);
        if ((f & Number) != 0) return RunDigits3(s, i);
        int j = -1;
        if (b == ' ' && i + 1 < s.Length && (At(s, i + 1, out _) & Word) == 0) j = i + 1;
        else if ((f & Word) == 0) j = i;
        if (j >= 0)
        {
            int e = RunOther(s, j);
            while (e < s.Length && s[e] is (byte)'\r' or (byte)'\n') e++;
            return e;
        }
        return Whitespace(s, i, newlineAlternative: true);
    }

    /// <summary>
    /// tiktoken 0.14's cl100k spelling, <c>...| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s</c>: as
    /// <see cref="NextCl100k"/>, except that a whitespace run reaching the end of the text is one piece (<c>\s++$</c>
    /// comes before the newline alternative). No alternative before it can match there: nothing but space follows.
    /// </summary>
    public static int NextCl100kPossessive(ReadOnlySpan<byte> s, int i)
    {
        if ((At(s, i, out _) & Space) != 0 && Run(s, i, Space) == s.Length) return s.Length;
        return NextCl100k(s, i);
    }

    /// <summary>
    /// o200k: <c>[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?</c>
    /// <c>|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?</c>
    /// <c>|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
    /// </summary>
    public static int NextO200k(ReadOnlySpan<byte> s, int i)
    {
        byte b = s[i];
        byte f = At(s, i, out int len);
        bool prefix = (f & (Letter | Number | Newline)) == 0;
        if (prefix || (f & Letter) != 0)
        {
            // Alternative 1, with the optional prefix taken first, then without it (a mark is both prefix and word).
            int e;
            if (prefix && (e = UpperThenLower(s, i + len)) >= 0) return WithContraction(s, e);
            if ((f & (Upper | Lower)) != 0 && (e = UpperThenLower(s, i)) >= 0) return WithContraction(s, e);
            // Alternative 2: [Upper]+ [Lower]*.
            if (prefix && i + len < s.Length && (At(s, i + len, out _) & Upper) != 0)
                return WithContraction(s, Run(s, Run(s, i + len, Upper), Lower));
            if ((f & Upper) != 0) return WithContraction(s, Run(s, Run(s, i, Upper), Lower));
        }
        if ((f & Number) != 0) return RunDigits3(s, i);
        int j = -1;
        if (b == ' ' && i + 1 < s.Length && (At(s, i + 1, out _) & Word) == 0) j = i + 1;
        else if ((f & Word) == 0) j = i;
        if (j >= 0)
        {
            int e = RunOther(s, j);
            while (e < s.Length && s[e] is (byte)'\r' or (byte)'\n' or (byte)'/') e++;
            return e;
        }
        return Whitespace(s, i, newlineAlternative: true);
    }

    // [Upper]*[Lower]+ from st, or -1. Upper* is greedy and gives back characters one at a time until Lower+ can
    // start: either right after the Upper run (a pure-Ll character), or at the last Lower-class character inside the
    // run (Lm/Lo/M are in both classes), in which case Lower+ takes just that character.
    private static int UpperThenLower(ReadOnlySpan<byte> s, int st)
    {
        int u = st, lastLower = -1, lastLen = 0;
        while (u < s.Length)
        {
            byte g = At(s, u, out int l);
            if ((g & Upper) == 0) break;
            if ((g & Lower) != 0) { lastLower = u; lastLen = l; }
            u += l;
        }
        if (u < s.Length && (At(s, u, out _) & Lower) != 0) return Run(s, u, Lower);
        return lastLower >= 0 ? lastLower + lastLen : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WithContraction(ReadOnlySpan<byte> s, int e)
        => e < s.Length && s[e] == '\'' ? e + ContractionIgnoreCase(s, e) : e;
}

/// <summary>The gpt2 / r50k / p50k split pattern as a piece scanner.</summary>
internal readonly struct Gpt2Scanner : IPieceScanner
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(ReadOnlySpan<byte> text, int i) => Scanners.NextGpt2(text, i);
}

/// <summary>The cl100k split pattern as a piece scanner.</summary>
internal readonly struct Cl100kScanner : IPieceScanner
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(ReadOnlySpan<byte> text, int i) => Scanners.NextCl100k(text, i);
}

/// <summary>tiktoken 0.14's possessive spelling of the cl100k pattern as a piece scanner.</summary>
internal readonly struct Cl100kPossessiveScanner : IPieceScanner
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(ReadOnlySpan<byte> text, int i) => Scanners.NextCl100kPossessive(text, i);
}

/// <summary>The o200k split pattern as a piece scanner.</summary>
internal readonly struct O200kScanner : IPieceScanner
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(ReadOnlySpan<byte> text, int i) => Scanners.NextO200k(text, i);
}
