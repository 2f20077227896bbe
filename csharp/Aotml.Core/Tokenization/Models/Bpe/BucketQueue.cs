namespace Aotml.Tokenization.Models.Bpe;

/// <summary>
/// Pair positions bucketed by rank, with a heap of the ranks that have a bucket. A long piece holds few
/// distinct ranks, and a bucket is taken whole and processed left to right, which walks the piece in order
/// instead of jumping around it as a heap of (rank, position) does. Buckets are chains of 64-byte blocks of 14
/// positions, so gathering one costs a cache miss per block rather than one per position.
/// </summary>
internal ref struct BucketQueue
{
    [ThreadStatic] private static int[]? t_heads;
    [ThreadStatic] private static int[]? t_blocks;
    [ThreadStatic] private static uint[]? t_ranks;
    [ThreadStatic] private static int[]? t_scratch;

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
        _blocks = BpeMerge.Rent(ref t_blocks, Stride * (n / 4 + 64));
        _ranks = BpeMerge.Rent(ref t_ranks, 3 * n + 1);   // at most one rank per queued entry
        _scratch = BpeMerge.Rent(ref t_scratch, n);
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
