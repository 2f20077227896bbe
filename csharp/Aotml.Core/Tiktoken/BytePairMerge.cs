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
/// Performance notes. Pieces are short (a word, a number, a run of punctuation): those up to SmallLimit bytes keep
/// their parts as a linked list over stack arrays and find the lowest pair rank with a vectorised scan of a fixed
/// array (shifting arrays on every merge, tiktoken's way, cost a third of the time on CJK text). tiktoken's merge is
/// quadratic, which a 100,000-character word turns into minutes, so longer pieces queue their pairs in buckets by
/// rank (see BucketQueue): O(n log n) at worst, near linear in practice, same merge order. Part ranks are tracked
/// through the merges (the rank of a merged pair is the rank of the new part), so emitting needs no lookups.
/// </remarks>
internal static class BytePairMerge
{
    /// <summary>Pieces longer than this use the bucket queue.</summary>
    internal const int SmallLimit = 256;

    [ThreadStatic] private static Node[]? t_nodes;
    [ThreadStatic] private static int[]? t_heads;
    [ThreadStatic] private static int[]? t_blocks;
    [ThreadStatic] private static uint[]? t_ranks;
    [ThreadStatic] private static int[]? t_scratch;

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

    // One record per byte position, so that a merge (which touches a position and its neighbours) costs one or two
    // cache lines instead of one per array: a 1 MB piece does not fit in cache.
    private struct Node
    {
        public int Next;
        public int Prev;
        public uint Pair;   // rank of this part joined with the next, None if absorbed or last
        public uint Part;   // rank of this part
    }

    internal static void EncodeLarge<TSink>(RankTable ranks, uint[] byteRanks, ReadOnlySpan<byte> piece, LookupCache lookups, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        Span<Node> node = Rent(ref t_nodes, n).AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            ref Node d = ref node[i];
            d.Next = i + 1; d.Prev = i - 1;
            d.Part = ByteRank(byteRanks, piece[i]);
            d.Pair = i + 1 < n ? ranks.Pair(piece[i], piece[i + 1]) : RankTable.None;
        }
        var q = new BucketQueue(ranks.MaxRank, n);
        for (int i = 0; i < n - 1; i++)
            if (node[i].Pair != RankTable.None) q.Add(node[i].Pair, i);
        while (q.PopMinBucket(out uint r, out Span<int> positions))
        {
            // The bucket's positions, left to right: merging one pair only creates pairs of other ranks (longer
            // byte strings), so this is the order the leftmost-minimum rule takes them in, unless a merge creates a
            // pair of lower rank (possible only in hand-made vocabularies): then the rest goes back to the queue.
            for (int x = 0; x < positions.Length; x++)
            {
                int i = positions[x];
                ref Node a = ref node[i];
                if (a.Pair != r) continue;   // absorbed, or its pair changed since it was queued
                int j = a.Next;
                int k = node[j].Next;
                node[j].Pair = RankTable.None;
                a.Part = r;
                a.Next = k;
                bool lower = false;
                if (k < n)
                {
                    node[k].Prev = i;
                    a.Pair = ranks.Get(piece[i..node[k].Next], lookups);
                    if (a.Pair != RankTable.None) { q.Add(a.Pair, i); lower |= a.Pair < r; }
                }
                else a.Pair = RankTable.None;
                int p = a.Prev;
                if (p >= 0)
                {
                    ref Node b = ref node[p];
                    b.Pair = ranks.Get(piece[p..k], lookups);
                    if (b.Pair != RankTable.None) { q.Add(b.Pair, p); lower |= b.Pair < r; }
                }
                if (lower)
                {
                    for (int y = x + 1; y < positions.Length; y++) q.Add(r, positions[y]);
                    break;
                }
            }
        }
        for (int i = 0; i < n; i = node[i].Next) sink.Add(node[i].Part);
    }

    /// <summary>
    /// Pair positions bucketed by rank, with a heap of the ranks that have a bucket. A long piece holds few
    /// distinct ranks, and a bucket is taken whole and processed left to right, which walks the piece in order
    /// instead of jumping around it as a heap of (rank, position) does. Buckets are chains of 64-byte blocks of 14
    /// positions, so gathering one costs a cache miss per block rather than one per position.
    /// </summary>
    private ref struct BucketQueue
    {
        private const int Stride = 16, Capacity = 14, CountAt = 14, LinkAt = 15;
        private readonly int[] _heads;     // rank → newest block, -1 if empty (kept all -1 between calls)
        private int[] _blocks;             // Stride ints per block: Capacity positions, count, older block
        private int _used;                 // blocks in use
        private readonly uint[] _ranks;    // min-heap of the ranks whose bucket is non-empty
        private int _size;
        private int[] _scratch;

        public BucketQueue(uint maxRank, int n)
        {
            _heads = t_heads is { } h && h.Length > maxRank ? h : (t_heads = NewHeads(maxRank));
            _blocks = Rent(ref t_blocks, Stride * (n / 4 + 64));
            _ranks = Rent(ref t_ranks, 3 * n + 1);   // at most one rank per queued entry
            _scratch = Rent(ref t_scratch, n);
            _used = 0; _size = 0;
        }

        private static int[] NewHeads(uint maxRank)
        {
            var h = new int[maxRank + 1];
            Array.Fill(h, -1);
            return h;
        }

        public void Add(uint rank, int position)
        {
            int b = _heads[rank];
            if (b < 0 || _blocks[b * Stride + CountAt] == Capacity)
            {
                if (b < 0) PushRank(rank);
                if ((_used + 1) * Stride > _blocks.Length)
                {
                    Array.Resize(ref _blocks, _blocks.Length * 2);
                    t_blocks = _blocks;
                }
                int nb = _used++;
                _blocks[nb * Stride + CountAt] = 0;
                _blocks[nb * Stride + LinkAt] = b;
                _heads[rank] = b = nb;
            }
            int at = b * Stride;
            _blocks[at + _blocks[at + CountAt]++] = position;
        }

        public bool PopMinBucket(out uint rank, out Span<int> positions)
        {
            if (_size == 0) { rank = 0; positions = default; return false; }
            rank = _ranks[0];
            uint last = _ranks[--_size];
            if (_size > 0) SiftDownRank(last);
            int total = 0;
            for (int b = _heads[rank]; b >= 0; b = _blocks[b * Stride + LinkAt]) total += _blocks[b * Stride + CountAt];
            if (total > _scratch.Length) { _scratch = new int[total]; t_scratch = _scratch; }
            // Newest block first, so fill from the end: entries then come out in the order they were queued, which
            // for most of them is left to right.
            int end = total;
            for (int b = _heads[rank]; b >= 0; b = _blocks[b * Stride + LinkAt])
            {
                int c = _blocks[b * Stride + CountAt];
                end -= c;
                _blocks.AsSpan(b * Stride, c).CopyTo(_scratch.AsSpan(end));
            }
            _heads[rank] = -1;
            positions = _scratch.AsSpan(0, total);
            if (!IsAscending(positions)) SortPositions(positions);
            return true;
        }

        private static bool IsAscending(Span<int> a)
        {
            for (int i = 1; i < a.Length; i++)
                if (a[i] < a[i - 1]) return false;
            return true;
        }

        private static void SortPositions(Span<int> a)
        {
            if (a.Length > 32) { a.Sort(static (x, y) => x.CompareTo(y)); return; }
            for (int i = 1; i < a.Length; i++)
            {
                int v = a[i], j = i - 1;
                while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
                a[j + 1] = v;
            }
        }

        private void PushRank(uint rank)
        {
            int i = _size++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_ranks[parent] <= rank) break;
                _ranks[i] = _ranks[parent];
                i = parent;
            }
            _ranks[i] = rank;
        }

        private void SiftDownRank(uint key)
        {
            int i = 0;
            while (true)
            {
                int c = 2 * i + 1;
                if (c >= _size) break;
                if (c + 1 < _size && _ranks[c + 1] < _ranks[c]) c++;
                if (_ranks[c] >= key) break;
                _ranks[i] = _ranks[c];
                i = c;
            }
            _ranks[i] = key;
        }
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

}
