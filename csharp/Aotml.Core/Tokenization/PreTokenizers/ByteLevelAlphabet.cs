namespace Aotml.Tokenization.PreTokenizers;

/// <summary>GPT-2's byte-to-unicode table: every byte as a printable character (printable Latin-1 bytes stand for
/// themselves, the rest map to U+0100 and up, in byte order).</summary>
public static class ByteLevelAlphabet
{
    private static readonly int[] s_byteToChar = Build();
    private static readonly Dictionary<int, byte> s_charToByte = s_byteToChar.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    private static int[] Build()
    {
        var map = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? b : 256 + n++;
        }
        return map;
    }

    /// <summary>The character standing for <paramref name="b"/>.</summary>
    public static int CharOf(byte b) => s_byteToChar[b];

    /// <summary>The byte <paramref name="c"/> stands for, or null if it is not in the alphabet.</summary>
    public static byte? ByteOf(int c) => s_charToByte.TryGetValue(c, out byte b) ? b : null;

    /// <summary>The 256 characters of the alphabet.</summary>
    public static IReadOnlyCollection<int> Chars => s_charToByte.Keys;

    /// <summary>
    /// The transform that rewrites UTF-8 text byte by byte: each character becomes the characters of its bytes, the
    /// first replacing it and the others inserted after it (so all are aligned with the original character).
    /// </summary>
    public static (int Char, int Change)[] Transformations(ReadOnlySpan<byte> utf8)
    {
        var dest = new (int, int)[utf8.Length];
        Transformations(utf8, dest);
        return dest;
    }

    /// <summary>As <see cref="Transformations(ReadOnlySpan{byte})"/>, into a thread's reused buffer (valid until
    /// the thread's next call): ByteLevel transforms every piece, and a fresh array per piece was a third of its
    /// allocations.</summary>
    internal static ReadOnlySpan<(int Char, int Change)> TransformationsScratch(ReadOnlySpan<byte> utf8)
    {
        var buffer = t_scratch is { } b && b.Length >= utf8.Length ? b : (t_scratch = new (int, int)[Math.Max(utf8.Length, 256)]);
        var dest = buffer.AsSpan(0, utf8.Length);
        Transformations(utf8, dest);
        return dest;
    }

    [ThreadStatic] private static (int, int)[]? t_scratch;

    private static void Transformations(ReadOnlySpan<byte> utf8, Span<(int Char, int Change)> dest)
    {
        var map = s_byteToChar;
        for (int i = 0; i < utf8.Length; i++)
            dest[i] = (map[utf8[i]], (utf8[i] & 0xC0) == 0x80 ? 1 : 0);
    }
}
