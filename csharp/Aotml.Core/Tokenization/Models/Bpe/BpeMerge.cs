using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// The byte-pair merge of one piece: split it into the table's initial symbols, then repeatedly join the adjacent
/// pair of parts with the lowest rank (the leftmost one on ties) until no adjacent pair merges; emit the id of every
/// remaining part with its byte range.
/// </summary>
/// <remarks>
/// Performance notes. Pieces are short (a word, a number, a run of punctuation): those up to SmallLimit bytes keep
/// their parts as a linked list over stack arrays indexed by byte position and find the lowest pair rank with a
/// vectorised scan of a fixed array (shifting arrays on every merge, tiktoken's way, cost a third of the time on CJK
/// text). A quadratic merge turns a 100,000-character word into minutes, so longer pieces queue their pairs in
/// buckets by rank (see <see cref="BucketQueue"/>): O(n log n) at worst, near linear in practice, same merge order.
/// The table and the sink are struct type parameters: each (table, sink) pair gets its own compiled copy with the
/// lookups inlined, and the joined-id array exists only for tables whose ranks are not ids.
/// </remarks>
internal static class BpeMerge
{
    /// <summary>Pieces longer than this use the bucket queue.</summary>
    internal const int SmallLimit = 256;

    private const uint None = IMergeTable.None;

    [ThreadStatic] private static Node[]? t_nodes;
    [ThreadStatic] private static uint[]? t_joined;

    /// <summary>
    /// Merges <paramref name="piece"/> and adds each resulting token to the sink, its offsets shifted by
    /// <paramref name="offset"/> (the piece's position in the text).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Encode<TTable, TSink>(TTable table, ReadOnlySpan<byte> piece, int offset, ref TSink sink)
        where TTable : struct, IMergeTable where TSink : struct, ITokenSink
    {
        if (piece.Length <= SmallLimit) EncodeSmall(table, piece, offset, ref sink);
        else EncodeLarge(table, piece, offset, ref sink);
    }

    // Every slot of the stack arrays that is read is written first, so they need no zeroing.
    [SkipLocalsInit]
    internal static void EncodeSmall<TTable, TSink>(TTable table, ReadOnlySpan<byte> piece, int offset, ref TSink sink)
        where TTable : struct, IMergeTable where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (n == 0) return;
        int padded = (n + 7) & ~7;
        // Parts are a linked list over byte positions; pair[i] is the rank of part i joined with the next part, or
        // None when i is not a part start or is the last part. Nothing moves when parts join: the minimum is found
        // over the whole fixed array (eight lanes at a time), which beats shifting three arrays on every merge.
        Span<uint> pair = stackalloc uint[padded];
        Span<uint> part = stackalloc uint[n];
        Span<int> next = stackalloc int[n];
        Span<int> prev = stackalloc int[n];
        Span<uint> joined = TTable.RankIsId ? default : stackalloc uint[n];
        int last = -1;
        for (int i = 0; i < n;)
        {
            part[i] = table.Symbol(piece, i, out int e);
            next[i] = e;
            prev[i] = last;
            last = i;
            for (int j = i + 1; j < e; j++) pair[j] = None;   // inside a multi-byte symbol
            i = e;
        }
        for (int i = 0; i != last; i = next[i])
        {
            int j = next[i];
            pair[i] = table.Rank(piece, i, j, next[j], part[i], part[j], out uint m);
            if (!TTable.RankIsId) joined[i] = m;
        }
        pair[last..].Fill(None);
        while (true)
        {
            int at = ArgMin(pair, out uint min);
            if (min == None) break;
            int j = next[at], k = next[j];
            part[at] = TTable.RankIsId ? min : joined[at];
            pair[j] = None;
            next[at] = k;
            uint m;
            if (k < n)
            {
                prev[k] = at;
                pair[at] = table.Rank(piece, at, k, next[k], part[at], part[k], out m);
                if (!TTable.RankIsId) joined[at] = m;
            }
            else pair[at] = None;
            int p = prev[at];
            if (p >= 0)
            {
                pair[p] = table.Rank(piece, p, at, k, part[p], part[at], out m);
                if (!TTable.RankIsId) joined[p] = m;
            }
        }
        for (int i = 0; i < n; i = next[i]) sink.Add(part[i], offset + i, offset + next[i]);
    }

    // One record per byte position, so that a merge (which touches a position and its neighbours) costs one or two
    // cache lines instead of one per array: a 1 MB piece does not fit in cache.
    internal struct Node
    {
        public int Next;
        public int Prev;
        public uint Pair;   // rank of this part joined with the next, None if absorbed or last
        public uint Part;   // id of this part
    }

    internal static void EncodeLarge<TTable, TSink>(TTable table, ReadOnlySpan<byte> piece, int offset, ref TSink sink)
        where TTable : struct, IMergeTable where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (n == 0) return;
        Span<Node> node = Rent(ref t_nodes, n).AsSpan(0, n);
        Span<uint> joined = TTable.RankIsId ? default : Rent(ref t_joined, n).AsSpan(0, n);
        int last = -1;
        for (int i = 0; i < n;)
        {
            ref Node d = ref node[i];
            d.Part = table.Symbol(piece, i, out int e);
            d.Next = e; d.Prev = last; d.Pair = None;
            for (int j = i + 1; j < e; j++) node[j].Pair = None;
            last = i;
            i = e;
        }
        var q = new BucketQueue(table.MaxRank, n);
        for (int i = 0; i != last; i = node[i].Next)
        {
            int j = node[i].Next;
            uint r = table.Rank(piece, i, j, node[j].Next, node[i].Part, node[j].Part, out uint m);
            node[i].Pair = r;
            if (!TTable.RankIsId) joined[i] = m;
            if (r != None) q.Add(r, i);
        }
        while (q.PopMinBucket(out uint r, out Span<int> positions))
        {
            // The bucket's positions, left to right: merging one pair only creates pairs of other ranks (longer
            // parts), so this is the order the leftmost-minimum rule takes them in, unless a merge creates a pair
            // of lower or equal rank (possible only in hand-made vocabularies): then the rest goes back to the queue.
            for (int x = 0; x < positions.Length; x++)
            {
                int i = positions[x];
                ref Node a = ref node[i];
                if (a.Pair != r) continue;   // absorbed, or its pair changed since it was queued
                int j = a.Next;
                int k = node[j].Next;
                node[j].Pair = None;
                a.Part = TTable.RankIsId ? r : joined[i];
                a.Next = k;
                bool lower = false;
                uint m;
                if (k < n)
                {
                    node[k].Prev = i;
                    a.Pair = table.Rank(piece, i, k, node[k].Next, a.Part, node[k].Part, out m);
                    if (!TTable.RankIsId) joined[i] = m;
                    if (a.Pair != None) { q.Add(a.Pair, i); lower |= a.Pair <= r; }
                }
                else a.Pair = None;
                int p = a.Prev;
                if (p >= 0)
                {
                    ref Node b = ref node[p];
                    b.Pair = table.Rank(piece, p, i, k, b.Part, a.Part, out m);
                    if (!TTable.RankIsId) joined[p] = m;
                    if (b.Pair != None) { q.Add(b.Pair, p); lower |= b.Pair <= r; }
                }
                if (lower)
                {
                    for (int y = x + 1; y < positions.Length; y++) q.Add(r, positions[y]);
                    break;
                }
            }
        }
        for (int i = 0; i < n; i = node[i].Next) sink.Add(node[i].Part, offset + i, offset + node[i].Next);
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
            if (min == None) return -1;
            var target = Vector256.Create(min);
            for (int i = 0; ; i += 8)
            {
                uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)i), target).ExtractMostSignificantBits();
                if (bits != 0) return i + BitOperations.TrailingZeroCount(bits);
            }
        }
        min = None;
        int at = -1;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < min) { min = a[i]; at = i; }
        }
        return at;
    }

    internal static T[] Rent<T>(ref T[]? slot, int n)
    {
        if (slot == null || slot.Length < n) slot = new T[Math.Max(n, 1024)];
        return slot;
    }
}
