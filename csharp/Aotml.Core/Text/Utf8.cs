using System.Runtime.CompilerServices;

namespace Aotml.Text;

/// <summary>
/// Strict UTF-8 decoding and encoding of single code points over byte spans. Invalid input never throws here: a
/// byte that does not start a well-formed sequence decodes as -1 with length 1, so scanners can step over it.
/// </summary>
internal static class Utf8
{
    /// <summary>Decodes the code point at <paramref name="i"/>; an invalid sequence yields -1 with length 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Decode(ReadOnlySpan<byte> s, int i, out int len)
    {
        byte b = s[i];
        if (b < 0x80) { len = 1; return b; }
        return DecodeMultiByte(s, i, out len);
    }

    private static int DecodeMultiByte(ReadOnlySpan<byte> s, int i, out int len)
    {
        byte b = s[i];
        int n = s.Length - i;
        if (b >= 0xC2 && b < 0xE0 && n >= 2 && (s[i + 1] & 0xC0) == 0x80)
        {
            len = 2; return ((b & 0x1F) << 6) | (s[i + 1] & 0x3F);
        }
        if (b >= 0xE0 && b < 0xF0 && n >= 3 && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80)
        {
            int cp = ((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            // Overlong forms and surrogates are not scalar values.
            if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) { len = 3; return cp; }
        }
        else if (b >= 0xF0 && b < 0xF5 && n >= 4 && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 && (s[i + 3] & 0xC0) == 0x80)
        {
            int cp = ((b & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
            if (cp >= 0x10000 && cp <= 0x10FFFF) { len = 4; return cp; }
        }
        len = 1;
        return -1;
    }

    /// <summary>The number of bytes the UTF-8 form of <paramref name="cp"/> takes (a scalar value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EncodedLength(int cp) => cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

    /// <summary>Writes the UTF-8 form of the scalar value <paramref name="cp"/>; returns the bytes written.</summary>
    public static int Encode(int cp, Span<byte> dest)
    {
        if ((uint)cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF) throw new ArgumentOutOfRangeException(nameof(cp), $"U+{cp:X4} is not a Unicode scalar value");
        if (cp < 0x80) { dest[0] = (byte)cp; return 1; }
        if (cp < 0x800)
        {
            dest[1] = (byte)(0x80 | (cp & 0x3F));
            dest[0] = (byte)(0xC0 | (cp >> 6));
            return 2;
        }
        if (cp < 0x10000)
        {
            dest[2] = (byte)(0x80 | (cp & 0x3F));
            dest[1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            dest[0] = (byte)(0xE0 | (cp >> 12));
            return 3;
        }
        dest[3] = (byte)(0x80 | (cp & 0x3F));
        dest[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
        dest[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
        dest[0] = (byte)(0xF0 | (cp >> 18));
        return 4;
    }

    /// <summary>Whether <paramref name="b"/> continues a multi-byte sequence (10xxxxxx).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    /// <summary>Whether <paramref name="s"/> is well-formed UTF-8 (no surrogates, overlongs or truncations).</summary>
    public static bool IsValid(ReadOnlySpan<byte> s) => System.Text.Unicode.Utf8.IsValid(s);
}
