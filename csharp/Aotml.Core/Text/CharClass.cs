using System.Globalization;
using System.Runtime.CompilerServices;

namespace Aotml.Text;

/// <summary>
/// Character classes as bit flags per code point, read straight from UTF-8: the classes the GPT-style split
/// patterns (tiktoken's, and the Split pre-tokenizers of tokenizer.json files) distinguish.
/// </summary>
internal static class CharClass
{
    /// <summary>\p{L}</summary>
    public const byte Letter = 1;
    /// <summary>\p{N}</summary>
    public const byte Number = 2;
    /// <summary>\s: the Unicode White_Space property (what the regex crate means by \s).</summary>
    public const byte Space = 4;
    /// <summary>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]: o200k's leading ("upper") class.</summary>
    public const byte Upper = 8;
    /// <summary>[\p{Ll}\p{Lm}\p{Lo}\p{M}]: o200k's trailing ("lower") class.</summary>
    public const byte Lower = 16;
    /// <summary>\r or \n.</summary>
    public const byte Newline = 32;

    // The BMP as one flat table (64 KiB, built once); astral code points are rare enough to classify on the fly.
    private static readonly byte[] s_bmp = BuildBmp();

    private static byte[] BuildBmp()
    {
        var t = new byte[0x10000];
        for (int c = 0; c < t.Length; c++) t[c] = Compute(c);
        return t;
    }

    private static byte Compute(int cp)
    {
        if (cp is >= 0xD800 and <= 0xDFFF) return 0;
        byte f = 0;
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
                f = Letter | Upper; break;
            case UnicodeCategory.LowercaseLetter:
                f = Letter | Lower; break;
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
                f = Letter | Upper | Lower; break;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
                f = Upper | Lower; break;
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
                f = Number; break;
        }
        // White_Space = Zs, Zl, Zp plus U+0009..U+000D and U+0085: exactly char.IsWhiteSpace.
        if (cp < 0x10000 && char.IsWhiteSpace((char)cp)) f |= Space;
        if (cp is '\r' or '\n') f |= Newline;
        return f;
    }

    /// <summary>Flags of the code point starting at <paramref name="i"/> and its UTF-8 length (1 for an invalid byte).</summary>
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

    /// <summary>Flags of a code point (a scalar value).</summary>
    public static byte Of(int cp) => cp < 0x10000 ? s_bmp[cp] : Compute(cp);
}
