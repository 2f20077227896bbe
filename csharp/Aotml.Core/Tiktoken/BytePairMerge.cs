using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Tiktoken;

/// <summary>
/// The byte-pair merge of one piece: repeatedly join the adjacent pair whose concatenation has the lowest rank
/// (the leftmost one on ties) until no adjacent pair is a token; emit the rank of every remaining part.
/// </summary>
/// <remarks>
/// Performance notes. Pieces are short (a word, a number, a run of punctuation), so the common path is tiktoken's
/// shape: part starts and pair ranks in two small stack arrays, a linear scan for the minimum and a memmove per
/// merge. That is quadratic, which a 100,000-character word turns into minutes, so long pieces switch to a
/// doubly linked list plus a binary heap keyed (rank, start) with lazy deletion: O(n log n), same merge order,
/// since the heap breaks rank ties by start exactly as the scan does. Part ranks are tracked through the merges
/// (the rank of a merged pair is the rank of the new part), so no lookups are repeated when emitting.
/// </remarks>
internal static class BytePairMerge
{
    /// <summary>Pieces longer than this use the heap.</summary>
    internal const int SmallLimit = 256;

    [ThreadStatic] private static int[]? t_next;
    [ThreadStatic] private static int[]? t_prev;
    [ThreadStatic] private static uint[]? t_pair;
    [ThreadStatic] private static uint[]? t_part;
    [ThreadStatic] private static ulong[]? t_heap;

    /// <summary>Merges <paramref name="piece"/> (at least two bytes) and adds each resulting token to the sink.</summary>
    public static void Encode<TSink>(RankTable ranks, uint[] byteRanks, ReadOnlySpan<byte> piece, LookupCache lookups, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        if (piece.Length <= SmallLimit) EncodeSmall(ranks, byteRanks, piece, lookups, ref sink);
        else EncodeLarge(ranks, byteRanks, piece, lookups, ref sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ByteRank(uint[] byteRanks, byte b)
    {
        uint r = byteRanks[b];
        if (r == RankTable.None) ThrowNoByte(b);
        return r;
    }

    private static void ThrowNoByte(byte b)
        => throw new EncodeException($"byte 0x{b:x2} has no token in this encoding (every single byte must be a mergeable token)");

    internal static void EncodeSmall<TSink>(RankTable ranks, uint[] byteRanks, ReadOnlySpan<byte> piece, LookupCache lookups, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        int padded = (n + 7) & ~7;
        // Parts are a linked list over byte positions; pair[i] is the rank of part i joined with the next part, or
        // None when i is not a part start or is the last part. Nothing moves when parts join: the minimum is found
        // over the whole fixed array (eight lanes at a time), which beats shifting three arrays on every merge.
        Span<uint> pair = stackalloc uint[padded];
        Span<uint> part = stackalloc uint[n];
        Span<int> next = stackalloc int[n];
        Span<int> prev = stackalloc int[n];
        for (int i = 0; i < n; i++)
        {
            part[i] = ByteRank(byteRanks, piece[i]);
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i < n - 1; i++) pair[i] = ranks.Pair(piece[i], piece[i + 1]);
        pair[(n - 1)..].Fill(RankTable.None);
        while (true)
        {
            int at = ArgMin(pair, out uint min);
            if (min == RankTable.None) break;
            int j = next[at], k = next[j];
            part[at] = min;
            pair[j] = RankTable.None;
            next[at] = k;
            if (k < n)
            {
                prev[k] = at;
                pair[at] = ranks.Get(piece[at..next[k]], lookups);
            }
            else pair[at] = RankTable.None;
            int p = prev[at];
            if (p >= 0) pair[p] = ranks.Get(piece[p..k], lookups);
        }
        for (int i = 0; i < n; i = next[i]) sink.Add(part[i]);
    }

    internal static void EncodeLarge<TSink>(RankTable ranks, uint[] byteRanks, ReadOnlySpan<byte> piece, LookupCache lookups, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        int[] next = Rent(ref t_next, n), prev = Rent(ref t_prev, n);
        uint[] pair = Rent(ref t_pair, n), part = Rent(ref t_part, n);
        ulong[] heap = Rent(ref t_heap, 2 * n);   // each merge pops one entry and pushes at most two
        int size = 0;
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1; prev[i] = i - 1;
            part[i] = ByteRank(byteRanks, piece[i]);
            pair[i] = i + 1 < n ? ranks.Pair(piece[i], piece[i + 1]) : RankTable.None;
            if (pair[i] != RankTable.None) heap[size++] = Key(pair[i], i);
        }
        for (int i = size / 2 - 1; i >= 0; i--) SiftDown(heap, size, i);
        while (size > 0)
        {
            ulong top = heap[0];
            heap[0] = heap[--size];
            if (size > 0) SiftDown(heap, size, 0);
            int i = (int)(uint)top;
            uint r = (uint)(top >> 32);
            // Stale entry: the part was absorbed (pair set to None) or its pair changed since it was pushed.
            if (pair[i] != r) continue;
            int j = next[i], k = next[j];
            pair[j] = RankTable.None;
            part[i] = r;
            next[i] = k;
            if (k < n) prev[k] = i;
            pair[i] = k < n ? ranks.Get(piece[i..next[k]], lookups) : RankTable.None;
            if (pair[i] != RankTable.None) Push(heap, ref size, Key(pair[i], i));
            int p = prev[i];
            if (p >= 0)
            {
                pair[p] = ranks.Get(piece[p..k], lookups);
                if (pair[p] != RankTable.None) Push(heap, ref size, Key(pair[p], p));
            }
        }
        for (int i = 0; i < n; i = next[i]) sink.Add(part[i]);
    }

    // Index of the first minimum; the length is a multiple of 8.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ArgMin(Span<uint> a, out uint min)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint r = ref MemoryMarshal.GetReference(a);
            var v = Vector256.LoadUnsafe(ref r);
            for (int i = 8; i < a.Length; i += 8) v = Vector256.Min(v, Vector256.LoadUnsafe(ref r, (nuint)i));
            var h = Vector128.Min(v.GetLower(), v.GetUpper());
            h = Vector128.Min(h, Vector128.Shuffle(h, Vector128.Create(2u, 3, 0, 1)));
            h = Vector128.Min(h, Vector128.Shuffle(h, Vector128.Create(1u, 0, 3, 2)));
            min = h.ToScalar();
            if (min == RankTable.None) return -1;
            var target = Vector256.Create(min);
            for (int i = 0; ; i += 8)
            {
                uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)i), target).ExtractMostSignificantBits();
                if (bits != 0) return i + BitOperations.TrailingZeroCount(bits);
            }
        }
        min = RankTable.None;
        int at = -1;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < min) { min = a[i]; at = i; }
        }
        return at;
    }

    private static T[] Rent<T>(ref T[]? slot, int n)
    {
        if (slot == null || slot.Length < n) slot = new T[Math.Max(n, 1024)];
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(uint rank, int start) => ((ulong)rank << 32) | (uint)start;

    private static void Push(ulong[] heap, ref int size, ulong key)
    {
        int i = size++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static void SiftDown(ulong[] heap, int size, int i)
    {
        ulong key = heap[i];
        while (true)
        {
            int c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && heap[c + 1] < heap[c]) c++;
            if (heap[c] >= key) break;
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = key;
    }
}
