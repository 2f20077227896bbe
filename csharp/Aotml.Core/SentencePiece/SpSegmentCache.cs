using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aotml.SentencePiece;

/// <summary>
/// A per-thread, 8-way set-associative cache of whitespace segments for one model: segment bytes → the tokens
/// (id, length) that tile it, and for unigram the largest |path score before the segment| for which they are exact
/// (see SpModel.Segments.cs). Per thread, so no lock. A set's 8 hashes share one cache line; a slot is one more line
/// for segments of up to 32 bytes and 6 tokens (most of them), two in a smaller table for the others. A look-up is
/// a hash, one line of compares and a copy; a new entry takes a free way or a rotating victim.
/// </summary>
internal sealed class SpSegmentCache
{
    /// <summary>Longest segment (UTF-8 bytes) that is cached.</summary>
    public const int MaxKey = 48;
    /// <summary>Most tokens a cached segment may have.</summary>
    public const int MaxTokens = 16;
    /// <summary>Ids must be below this to be cached (24 bits beside an 8-bit length).</summary>
    public const int MaxId = 1 << 24;
    private const int Ways = 8;
    // Two tables in the same arrays. A slot holds the limit's bits, key length and token count (word 0); the
    // key; the tokens, id | length << 24 (a length is at most MaxKey). Its hash is in _hashes (0 = empty).
    // Small: 2,048 sets of 64-byte slots (key 32 bytes at word 1, 6 tokens at word 5), one cache line each.
    // Large: 512 sets of 128-byte slots (key 48 bytes at word 2, 16 tokens at word 8).
    private const int SmallSetBits = 11, SmallWords = 8, SmallKey = 32, SmallTokens = 6;
    private const int LargeSetBits = 9, LargeWords = 16;
    private const int SmallSlots = Ways << SmallSetBits, LargeSlots = Ways << LargeSetBits;
    private const int LargeBase = SmallSlots * SmallWords;  // first word of the large table
    private readonly ulong[] _hashes = new ulong[SmallSlots + LargeSlots];
    private readonly ulong[] _slots = new ulong[LargeBase + LargeSlots * LargeWords];
    private int _victim;

    private long _owner;

    [ThreadStatic] private static SpSegmentCache? t_cache;
    [ThreadStatic] private static SpSegmentCache?[]? t_parking;  // where t_cache goes when the thread switches models

    /// <summary>A model's parked caches: those of threads that finished a batch, for the next threads to take warm
    /// (batch threads live for one call; a new thread's cold cache missed every segment).</summary>
    public static SpSegmentCache?[] NewParking() => new SpSegmentCache?[2];

    /// <summary>This thread's cache for the model numbered <paramref name="owner"/> (&gt; 0), whose parked caches
    /// are <paramref name="parking"/>. A number, not a reference, so a cache keeps no model alive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SpSegmentCache For(long owner, SpSegmentCache?[] parking)
    {
        var c = t_cache;
        if (c != null && c._owner == owner) return c;
        return Take(owner, parking);
    }

    private static SpSegmentCache Take(long owner, SpSegmentCache?[] parking)
    {
        var c = t_cache;
        if (c != null && t_parking != null && TryPark(c, t_parking)) c = null;  // kept warm for its model
        for (int i = 0; c == null && i < parking.Length; i++) c = Interlocked.Exchange(ref parking[i], null);
        if (c == null) c = new SpSegmentCache { _owner = owner };
        else if (c._owner != owner)
        {
            Array.Clear(c._hashes);
            c._owner = owner;
        }
        t_cache = c;
        t_parking = parking;
        return c;
    }

    /// <summary>Hands this thread's cache for the model of <paramref name="parking"/> to the next thread that
    /// needs one, if there is room.</summary>
    public static void Park(SpSegmentCache?[] parking)
    {
        if (t_cache is { } c && ReferenceEquals(t_parking, parking) && TryPark(c, parking))
        {
            t_cache = null;
            t_parking = null;
        }
    }

    private static bool TryPark(SpSegmentCache c, SpSegmentCache?[] parking)
    {
        for (int i = 0; i < parking.Length; i++)
            if (Interlocked.CompareExchange(ref parking[i], c, null) == null) return true;
        return false;
    }

    /// <summary>A hash of a segment of at most <see cref="MaxKey"/> bytes; never 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> s) => Text.ShortKeyHash.Of(s);

    /// <summary>The first word of the slot holding <paramref name="segment"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> segment, ulong hash)
    {
        if (segment.Length <= SmallKey)
        {
            int at = FindIn(segment, hash, (int)(hash >> (64 - SmallSetBits)) * Ways, 0, SmallWords, 1);
            if (at >= 0) return at;
        }
        return FindIn(segment, hash, SmallSlots + (int)(hash >> (64 - LargeSetBits)) * Ways, LargeBase - SmallSlots * LargeWords, LargeWords, 2);
    }

    // The slot of set's ways (hash indices from set) holding segment: slot i's first word is slotBase + i * words.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindIn(ReadOnlySpan<byte> segment, ulong hash, int set, int slotBase, int words, int keyWord)
    {
        var hashes = _hashes.AsSpan(set, Ways);
        for (int w = 0; w < hashes.Length; w++)
        {
            if (hashes[w] != hash) continue;
            int at = slotBase + (set + w) * words;
            var slot = _slots.AsSpan(at, words);
            if ((int)(slot[0] >> 32 & 0xFF) == segment.Length && Equal(segment, MemoryMarshal.AsBytes(slot[keyWord..]))) return at;
        }
        return -1;
    }

    // Whether key starts with segment: 8 bytes at a time (SequenceEqual's call and set-up cost more on a few bytes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Equal(ReadOnlySpan<byte> segment, ReadOnlySpan<byte> key)
    {
        int n = segment.Length;
        ref byte a = ref MemoryMarshal.GetReference(segment);
        ref byte b = ref MemoryMarshal.GetReference(key);  // MaxKey bytes: reading up to n is in bounds
        if (n < 8)
        {
            for (int i = 0; i < n; i++)
                if (Unsafe.Add(ref a, i) != Unsafe.Add(ref b, i)) return false;
            return true;
        }
        for (int i = 0; i + 8 <= n; i += 8)
            if (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i)) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i))) return false;
        return Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, n - 8)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, n - 8));
    }

    /// <summary>The largest |score before the segment| for which the slot's tokens are exact.</summary>
    public float Limit(int at) => BitConverter.UInt32BitsToSingle((uint)_slots[at]);

    /// <summary>The slot's tokens: id | length &lt;&lt; 24, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<uint> Tokens(int at) =>
        MemoryMarshal.Cast<ulong, uint>(_slots.AsSpan(at < LargeBase ? at + 5 : at + 8))[..(int)(_slots[at] >> 40 & 0xFF)];

    /// <summary>Appends the slot's tokens to <paramref name="segments"/>, the first starting at <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit(int at, int start, List<(int Start, int Length, int Id)> segments)
    {
        foreach (uint t in Tokens(at))
        {
            int length = (int)(t >> 24);
            segments.Add((start, length, (int)(t & (MaxId - 1))));
            start += length;
        }
    }

    /// <summary>Remembers a segment's tokens, segments[from..] (they tile it), when they fit the size limits.</summary>
    public void Put(ReadOnlySpan<byte> segment, ulong hash, List<(int Start, int Length, int Id)> segments, int from, float limit)
    {
        int count = segments.Count - from;
        if (segment.Length > MaxKey || count > MaxTokens) return;
        foreach (var (_, _, id) in CollectionsMarshal.AsSpan(segments)[from..])
            if ((uint)id >= MaxId) return;
        bool small = segment.Length <= SmallKey && count <= SmallTokens;
        int set = small ? (int)(hash >> (64 - SmallSetBits)) * Ways : SmallSlots + (int)(hash >> (64 - LargeSetBits)) * Ways;
        int way = _hashes.AsSpan(set, Ways).IndexOf(0UL);
        if (way < 0) way = _victim++ & (Ways - 1);
        _hashes[set + way] = hash;
        var slot = small ? _slots.AsSpan((set + way) * SmallWords, SmallWords)
            : _slots.AsSpan(LargeBase + (set + way - SmallSlots) * LargeWords, LargeWords);
        int keyWord = small ? 1 : 2, tokenWord = small ? 5 : 8;
        var tokens = MemoryMarshal.Cast<ulong, uint>(slot[tokenWord..]);
        for (int k = 0; k < count; k++)
        {
            var (_, length, _) = segments[from + k];
            tokens[k] = (uint)segments[from + k].Id | (uint)length << 24;  // a length is at most MaxKey
        }
        slot[0] = BitConverter.SingleToUInt32Bits(limit) | (ulong)segment.Length << 32 | (ulong)count << 40;
        segment.CopyTo(MemoryMarshal.AsBytes(slot[keyWord..tokenWord]));
    }
}
