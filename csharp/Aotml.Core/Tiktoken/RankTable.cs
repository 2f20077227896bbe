using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.Tiktoken;

/// <summary>A per-thread direct-mapped cache of short-key lookups (see <see cref="RankTable.Get(ReadOnlySpan{byte}, LookupCache)"/>).</summary>
internal sealed class LookupCache
{
    public const int Size = 16384;
    public const int Mask = Size - 1;

    public struct Slot
    {
        public ulong Key;   // packed short key; 0 = empty (no packed key is 0)
        public uint Rank;
    }

    private readonly Slot[] _slots = new Slot[Size];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Slot At(int i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), i);

    public void Clear() => Array.Clear(_slots);
}

/// <summary>
/// Byte string → rank, an open-addressing table over one contiguous blob of token bytes. Immutable after
/// construction, so any number of threads read it without locks.
/// </summary>
/// <remarks>
/// Keys of up to 7 bytes are packed with their length into one ulong, which is then the key itself: a probe
/// compares one integer and never touches the blob. Most BPE lookups (pairs of short parts) are such keys. Longer
/// keys store a 64-bit hash whose low byte is 0xFF (a length no short key has) and are confirmed against the blob.
/// </remarks>
internal sealed class RankTable
{
    /// <summary>The rank returned for a byte string that is not a token.</summary>
    public const uint None = uint.MaxValue;

    private struct Entry
    {
        public ulong Key;   // 0 = empty (a packed key always has a length byte of 1..7; a long key ends in 0xFF)
        public uint Rank;
        public int Token;   // index into _offsets for long keys
    }

    private readonly Entry[] _entries;
    private readonly int _shift;
    private readonly byte[] _blob;
    private readonly int[] _offsets;   // token i is _blob[_offsets[i].._offsets[i + 1]]
    private readonly uint[] _ranks;
    // Two-byte keys straight from an array (256 KiB, stays in L2): every merge starts with a lookup per adjacent
    // byte pair, and in the big table each of those is a cache miss.
    private readonly uint[] _pairs = new uint[65536];

    /// <summary>Number of tokens.</summary>
    public int Count => _ranks.Length;

    /// <summary>The token bytes blob (tokens in the order given).</summary>
    public ReadOnlySpan<byte> Blob => _blob;

    /// <summary>Start offsets of each token in <see cref="Blob"/>, plus one final end offset.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>Rank of each token, in the order given.</summary>
    public ReadOnlySpan<uint> Ranks => _ranks;

    /// <summary>Largest rank.</summary>
    public uint MaxRank { get; }

    /// <summary>Builds the table; throws <see cref="ConfigurationException"/> on a duplicate or empty token.</summary>
    public RankTable(byte[] blob, int[] offsets, uint[] ranks)
    {
        if (offsets.Length != ranks.Length + 1) throw new ArgumentException("offsets must have one more entry than ranks");
        _blob = blob; _offsets = offsets; _ranks = ranks;
        int cap = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, ranks.Length * 2 + 1));
        _shift = 64 - BitOperations.Log2((uint)cap);
        _entries = new Entry[cap];
        uint max = 0;
        Array.Fill(_pairs, None);
        for (int t = 0; t < ranks.Length; t++)
        {
            int start = offsets[t], len = offsets[t + 1] - start;
            if (len <= 0) throw new ConfigurationException($"token {t} (rank {ranks[t]}) is empty");
            if (ranks[t] == None) throw new ConfigurationException($"rank {ranks[t]} of token {t} is out of range");
            max = Math.Max(max, ranks[t]);
            var key = blob.AsSpan(start, len);
            ulong k = KeyOf(key);
            int slot = (int)(Mix(k) >> _shift), mask = cap - 1;
            while (_entries[slot].Key != 0)
            {
                if (_entries[slot].Key == k && (len <= 7 || key.SequenceEqual(TokenBytes(_entries[slot].Token))))
                    throw new ConfigurationException($"duplicate token {Convert.ToBase64String(key)} (ranks {_entries[slot].Rank} and {ranks[t]})");
                slot = (slot + 1) & mask;
            }
            _entries[slot] = new Entry { Key = k, Rank = ranks[t], Token = t };
            if (len == 2) _pairs[key[0] | (key[1] << 8)] = ranks[t];
        }
        MaxRank = max;
    }

    private ReadOnlySpan<byte> TokenBytes(int t) => _blob.AsSpan(_offsets[t], _offsets[t + 1] - _offsets[t]);

    /// <summary>The rank of <paramref name="key"/>, or <see cref="None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Get(ReadOnlySpan<byte> key)
    {
        if (key.Length == 2) return Pair(key[0], key[1]);
        ulong k = KeyOf(key);
        return Probe(key, k, Mix(k));
    }

    /// <summary>
    /// <see cref="Get(ReadOnlySpan{byte})"/> through a small per-thread cache of short keys. The table is megabytes
    /// probed at random, so each probe is a cache miss; the merges of a text ask for the same few thousand short
    /// strings (the characters of a script and their pairs) over and over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Get(ReadOnlySpan<byte> key, LookupCache cache)
    {
        if (key.Length == 2) return Pair(key[0], key[1]);
        ulong k = KeyOf(key);
        ulong h = Mix(k);
        if (key.Length > 7) return Probe(key, k, h);
        int slot = (int)h & LookupCache.Mask;
        ref LookupCache.Slot c = ref cache.At(slot);
        if (c.Key == k) return c.Rank;
        uint r = Probe(key, k, h);
        c.Key = k;
        c.Rank = r;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Probe(ReadOnlySpan<byte> key, ulong k, ulong h)
    {
        var entries = _entries;
        int mask = entries.Length - 1;
        int slot = (int)(h >> _shift);
        ref Entry e0 = ref MemoryMarshal.GetArrayDataReference(entries);
        while (true)
        {
            ref Entry e = ref Unsafe.Add(ref e0, slot);
            if (e.Key == k)
            {
                if (key.Length <= 7 || key.SequenceEqual(TokenBytes(e.Token))) return e.Rank;
            }
            else if (e.Key == 0) return None;
            slot = (slot + 1) & mask;
        }
    }

    /// <summary>The rank of the two-byte string (a, b), or <see cref="None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Pair(byte a, byte b) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_pairs), a | (b << 8));

    /// <summary>A 64-bit hash of any byte string (for caches keyed by pieces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> key) => Mix(KeyOf(key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong k)
    {
        k ^= k >> 29;
        k *= 0xBF58476D1CE4E5B9UL;
        k ^= k >> 32;
        return k * 0x94D049BB133111EBUL;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong KeyOf(ReadOnlySpan<byte> key)
    {
        int n = key.Length;
        if (n <= 7) return (Pack(key) << 8) | (uint)n;
        return LongKey(key);
    }

    // Up to 7 bytes, little-endian, without reading past the span.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(ReadOnlySpan<byte> key)
    {
        ref byte p = ref MemoryMarshal.GetReference(key);
        switch (key.Length)
        {
            case 1: return p;
            case 2: return Unsafe.ReadUnaligned<ushort>(ref p);
            case 3: return Unsafe.ReadUnaligned<ushort>(ref p) | ((ulong)Unsafe.Add(ref p, 2) << 16);
            case 4: return Unsafe.ReadUnaligned<uint>(ref p);
            case 5: return Unsafe.ReadUnaligned<uint>(ref p) | ((ulong)Unsafe.Add(ref p, 4) << 32);
            case 6: return Unsafe.ReadUnaligned<uint>(ref p) | ((ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, 4)) << 32);
            case 7: return Unsafe.ReadUnaligned<uint>(ref p) | ((ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, 4)) << 32) | ((ulong)Unsafe.Add(ref p, 6) << 48);
            default: return 0;
        }
    }

    private static ulong LongKey(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        int i = 0;
        for (; i + 8 <= key.Length; i += 8)
            h = (BitOperations.RotateLeft(h, 23) ^ BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i))) * 0xD6E8FEB86659FD93UL;
        if (i < key.Length)
            h = (BitOperations.RotateLeft(h, 23) ^ BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(key.Length - 8))) * 0xD6E8FEB86659FD93UL;
        h ^= h >> 31;
        return h | 0xFF;
    }
}
