using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.SentencePiece;

/// <summary>
/// A per-thread, direct-mapped cache of segmented whitespace-delimited segments for one model: segment bytes → the
/// tokens (id, length) that tile it, and for unigram the largest |path score before the segment| for which they are
/// exact (see <see cref="SpModel"/>'s cached Viterbi). Per thread, so no lock; direct-mapped, so a new entry evicts
/// the slot's old one and a look-up is a hash, one compare and a copy.
/// </summary>
internal sealed class SpSegmentCache
{
    /// <summary>Longest segment (UTF-8 bytes) that is cached.</summary>
    public const int MaxKey = 64;
    /// <summary>Most tokens a cached segment may have.</summary>
    public const int MaxTokens = 24;
    private const int SlotBits = 12, Slots = 1 << SlotBits;

    private readonly ulong[] _hash = new ulong[Slots];  // 0 = empty
    private readonly byte[] _keys = new byte[Slots * MaxKey];
    private readonly int[] _ids = new int[Slots * MaxTokens];
    private readonly byte[] _lengths = new byte[Slots * MaxTokens];
    private readonly byte[] _keyLen = new byte[Slots];
    private readonly byte[] _count = new byte[Slots];
    private readonly float[] _limit = new float[Slots];

    [ThreadStatic] private static SpSegmentCache? t_cache;
    [ThreadStatic] private static long t_owner;

    /// <summary>This thread's cache for the model numbered <paramref name="owner"/> (&gt; 0); a thread switching
    /// models starts afresh. A number, not a reference, so a thread keeps no model alive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SpSegmentCache For(long owner)
    {
        var c = t_cache;
        if (c != null && t_owner == owner) return c;
        return Reset(owner);
    }

    private static SpSegmentCache Reset(long owner)
    {
        var c = t_cache ??= new SpSegmentCache();
        Array.Clear(c._hash);
        t_owner = owner;
        return c;
    }

    /// <summary>A hash of a segment of at most <see cref="MaxKey"/> bytes; never 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> s)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        ref byte r = ref MemoryMarshal.GetReference(s);
        int n = s.Length, i = 0;
        ulong h = (ulong)n * K;
        for (; i + 8 <= n; i += 8)
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, i))) * K, 31);
        if (i < n)
        {
            ulong t;
            if (n >= 8) t = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref r, n - 8));  // overlaps: still a function of s
            else
            {
                t = 0;
                for (int k = 0; k < n; k++) t |= (ulong)Unsafe.Add(ref r, k) << (8 * k);
            }
            h = BitOperations.RotateLeft((h ^ t) * K, 31);
        }
        h ^= h >> 29;
        h *= K;
        return h | 1;
    }

    /// <summary>The slot holding <paramref name="segment"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> segment, ulong hash)
    {
        int slot = (int)(hash >> (64 - SlotBits));
        return _hash[slot] == hash && _keyLen[slot] == segment.Length
            && segment.SequenceEqual(_keys.AsSpan(slot * MaxKey, segment.Length)) ? slot : -1;
    }

    /// <summary>The largest |score before the segment| for which the slot's tokens are exact.</summary>
    public float Limit(int slot) => _limit[slot];

    /// <summary>Appends the slot's tokens to <paramref name="segments"/>, the first starting at <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit(int slot, int start, List<(int Start, int Length, int Id)> segments)
    {
        int count = _count[slot], at = slot * MaxTokens;
        var ids = _ids.AsSpan(at, count);
        var lengths = _lengths.AsSpan(at, count);
        for (int k = 0; k < ids.Length; k++)
        {
            segments.Add((start, lengths[k], ids[k]));
            start += lengths[k];
        }
    }

    /// <summary>Remembers a segment's tokens, segments[from..] (they tile it), when they fit the size limits.</summary>
    public void Put(ReadOnlySpan<byte> segment, ulong hash, List<(int Start, int Length, int Id)> segments, int from, float limit)
    {
        int count = segments.Count - from;
        if (segment.Length > MaxKey || count > MaxTokens) return;
        int slot = (int)(hash >> (64 - SlotBits)), at = slot * MaxTokens;
        for (int k = 0; k < count; k++)
        {
            var (_, length, id) = segments[from + k];
            _ids[at + k] = id;
            _lengths[at + k] = (byte)length;  // at most MaxKey
        }
        _hash[slot] = hash;
        _keyLen[slot] = (byte)segment.Length;
        segment.CopyTo(_keys.AsSpan(slot * MaxKey));
        _count[slot] = (byte)count;
        _limit[slot] = limit;
    }
}
