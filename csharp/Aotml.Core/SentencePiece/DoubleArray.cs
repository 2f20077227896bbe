using System.Buffers.Binary;

namespace Aotml.SentencePiece;

/// <summary>
/// A read-only Darts-clone double-array trie over byte keys, as stored in a precompiled charsmap: 32-bit units where
/// bit 8 marks a leaf below, the label is bits 0-7 (bit 31 set on leaf units), and the child offset is
/// <c>(unit &gt;&gt; 10) &lt;&lt; ((unit &amp; 512) &gt;&gt; 6)</c>.
/// </summary>
public sealed class DoubleArray
{
    private readonly uint[] _units;

    /// <summary>Reads <paramref name="bytes"/> as little-endian units.</summary>
    public DoubleArray(ReadOnlySpan<byte> bytes)
    {
        _units = new uint[bytes.Length / 4];
        for (int i = 0; i < _units.Length; i++) _units[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
    }

    /// <summary>Number of units.</summary>
    public int Length => _units.Length;

    /// <summary>Whether some key starts with <paramref name="prefix"/>.</summary>
    public bool HasPrefix(ReadOnlySpan<byte> prefix)
    {
        if (_units.Length == 0) return false;
        long pos = Offset(_units[0]);
        foreach (byte b in prefix)
        {
            pos ^= b;
            if ((ulong)pos >= (ulong)_units.Length) return false;
            uint unit = _units[pos];
            if ((unit & (0x80000000u | 0xFF)) != b) return false;
            pos ^= Offset(unit);
        }
        return true;
    }

    private static long Offset(uint unit) => (long)(unit >> 10) << (int)((unit & 512) >> 6);

    /// <summary>
    /// The longest key that prefixes <paramref name="key"/> among the first <paramref name="maxResults"/> matches
    /// (sentencepiece keeps only that many): its length (0 if none) and value.
    /// </summary>
    public int LongestPrefix(ReadOnlySpan<byte> key, int maxResults, out int value)
    {
        value = 0;
        if (_units.Length == 0) return 0;
        int best = 0, found = 0;
        long pos = Offset(_units[0]);
        for (int i = 0; i < key.Length; i++)
        {
            pos ^= key[i];
            if ((ulong)pos >= (ulong)_units.Length) break;
            uint unit = _units[pos];
            if ((unit & (0x80000000u | 0xFF)) != key[i]) break;
            pos ^= Offset(unit);
            if (((unit >> 8) & 1) != 0)
            {
                if ((ulong)pos >= (ulong)_units.Length) break;
                if (found++ < maxResults && i + 1 > best)
                {
                    best = i + 1;
                    value = (int)(_units[pos] & 0x7FFFFFFF);
                }
            }
        }
        return best;
    }
}
