namespace Aotml.SentencePiece;

/// <summary>
/// A byte trie from pieces to ids, with the walk the encoders need: every piece that starts at a position, in
/// increasing length. Keys are added to a linked builder; <see cref="Freeze"/> packs them into a double array
/// (child of node n by byte b at base[n] + b when check there is n), so a step of the walk is one array probe.
/// </summary>
public sealed class PieceTrie
{
    // Check holds the parent's slot, with HasValue set when the node ends a key; the key's id and a score sit in the
    // same 16 bytes, so a step of the Viterbi walk touches one cache line (two arrays cost a second miss per step).
    internal struct Unit
    {
        public int Base, Check, Id;
        public float Score;
    }

    internal const int HasValue = int.MinValue;

    // Builder: the keys as added, packed into the double array by Freeze.
    private List<(byte[] Key, int Id)>? _pending;
    private Unit[] _units = [];

    /// <summary>The double array (for walks written inline by the encoders): a slot's Id is -1 or the key ending
    /// there, its Score what <see cref="SetScores"/> stored (NaN by default).</summary>
    internal ReadOnlySpan<Unit> Units => _units;

    /// <summary>Stores <paramref name="scoreOf"/>(id) beside each key's id; NaN marks keys the caller treats apart.</summary>
    internal void SetScores(Func<int, float> scoreOf)
    {
        for (int p = 0; p < _units.Length; p++)
            _units[p].Score = _units[p].Id >= 0 ? scoreOf(_units[p].Id) : float.NaN;
    }

    /// <summary>An empty trie sized for about <paramref name="keys"/> keys.</summary>
    public PieceTrie(int keys = 0) => _pending = new List<(byte[], int)>(keys);

    /// <summary>Adds a piece (a duplicate is reported by <see cref="Freeze"/>). Call <see cref="Freeze"/> before any
    /// look-up; the trie keeps a reference to <paramref name="key"/> until then.</summary>
    public void Add(byte[] key, int id) => (_pending ?? throw new InvalidOperationException("the trie is frozen")).Add((key, id));

    /// <summary>Packs the added keys into the double array the look-ups read; the builder is dropped. Returns -1, or
    /// the larger id of two equal keys (the trie then keeps the smaller).</summary>
    /// <remarks>
    /// The keys are partitioned byte by byte (an MSD radix sort), breadth first: a node is a range of keys sharing a
    /// prefix, its children the sub-ranges by the next byte, so building reads each key byte a few times and hashes
    /// nothing. Free slots are a linked list, so placing a node visits free slots only; a node whose children fit none
    /// of the first <see cref="MaxTries"/> of them goes past the end instead, which keeps building linear in the keys.
    /// </remarks>
    public int Freeze()
    {
        var pending = _pending ?? throw new InvalidOperationException("the trie is frozen");
        _pending = null;
        int n = pending.Count, totalBytes = 0;
        foreach (var (k, _) in pending) totalBytes += k.Length;
        // The keys copied into one buffer: the partition reads a byte of every key at every depth, and scattered
        // arrays cost a cache miss per read.
        var flat = new byte[totalBytes];
        // The keys in partition order, each with where it lies: the passes read them in sequence.
        var order = new BuildKey[n];
        for (int i = 0, at = 0; i < n; i++)
        {
            var (k, id) = pending[i];
            k.CopyTo(flat, at);
            order[i] = new BuildKey { Start = at, Length = k.Length, Id = id };
            at += k.Length;
        }
        var scratch = new BuildKey[n];
        var label = new int[n];  // by position in order: the key's byte at the current depth, or -1 at its end
        var b = new DoubleArrayBuilder(Math.Min(totalBytes, 4 * n + 1024) + 512);
        int duplicate = -1;
        // (slot, lo, hi, depth): keys order[lo..hi) share their first depth bytes, which lead to slot.
        var queue = new Queue<(int Slot, int Lo, int Hi, int Depth)>();
        queue.Enqueue((0, 0, n, 0));
        b.Use(0, -1, -1);
        Span<int> counts = stackalloc int[256];
        counts.Clear();
        Span<byte> labels = stackalloc byte[256];
        Span<int> childLo = stackalloc int[257];
        bool root = true;
        while (queue.Count > 0)
        {
            var (slot, lo, hi, depth) = queue.Dequeue();
            // Keys ending here: the node's value (the smallest id; any other is a duplicate).
            int nLabels = 0, value = -1, ended = 0;
            for (int i = lo; i < hi; i++)
            {
                ref readonly var k = ref order[i];
                if (k.Length == depth)
                {
                    label[i] = -1;
                    ended++;
                    int id = k.Id;
                    if (value < 0) value = id;
                    else
                    {
                        duplicate = Math.Max(duplicate, Math.Max(value, id));
                        value = Math.Min(value, id);
                    }
                }
                else
                {
                    int c = flat[k.Start + depth];
                    label[i] = c;
                    if (counts[c]++ == 0) labels[nLabels++] = (byte)c;
                }
            }
            if (value >= 0) b.SetValue(slot, value);
            if (nLabels == 0) continue;
            labels[..nLabels].Sort();
            // Stable counting sort of the range by the byte at depth; keys ending here go first.
            int at = lo;
            if (ended > 0) for (int i = lo; i < hi; i++) if (label[i] < 0) scratch[at++] = order[i];
            for (int c = 0; c < nLabels; c++)
            {
                childLo[c] = at;
                at += counts[labels[c]];
                counts[labels[c]] = childLo[c];
            }
            childLo[nLabels] = at;
            for (int i = lo; i < hi; i++)
                if (label[i] >= 0) scratch[counts[label[i]]++] = order[i];
            Array.Copy(scratch, lo, order, lo, hi - lo);
            for (int c = 0; c < nLabels; c++) counts[labels[c]] = 0;
            int bas = b.FindBase(labels[..nLabels]);
            b.Units[slot].Base = bas;
            for (int c = 0; c < nLabels; c++)
            {
                int p = bas + labels[c];
                b.Use(p, slot, -1);
                queue.Enqueue((p, childLo[c], childLo[c + 1], depth + 1));
            }
            // Below 256 only the root's children fit (a base is at least 1); the slots they left stay empty.
            if (root) b.DropFreeBelow(256);
            root = false;
        }
        _units = b.Units;
        return duplicate;
    }

    private struct BuildKey
    {
        public int Start, Length, Id;
    }

    private const int MaxTries = 64;

    private sealed class DoubleArrayBuilder
    {
        public Unit[] Units;
        private int[] _next, _prev;  // free slots as a circular doubly linked list through -1 = none
        private int _head = -1;
        private int _end;            // one past the highest slot in use: everything from here on is free

        public DoubleArrayBuilder(int size)
        {
            Units = [];
            _next = _prev = [];
            Extend(size);
        }

        private void Extend(int size)
        {
            int old = Units.Length;
            if (size <= old) return;
            size = Math.Max(size, old + old / 2);
            Array.Resize(ref Units, size);
            Array.Resize(ref _next, size);
            Array.Resize(ref _prev, size);
            for (int i = old; i < size; i++)
            {
                Units[i] = new Unit { Check = -1, Id = -1, Score = float.NaN };
                Link(i);
            }
        }

        private void Link(int i)
        {
            if (_head < 0)
            {
                _head = _next[i] = _prev[i] = i;
                return;
            }
            int tail = _prev[_head];
            _next[tail] = i;
            _prev[i] = tail;
            _next[i] = _head;
            _prev[_head] = i;
        }

        private void Unlink(int i)
        {
            if (_next[i] == i) _head = -1;
            else
            {
                _next[_prev[i]] = _next[i];
                _prev[_next[i]] = _prev[i];
                if (_head == i) _head = _next[i];
            }
            _next[i] = _prev[i] = -2;  // -2: in use
        }

        public void Use(int pos, int check, int value)
        {
            Extend(pos + 1);
            Unlink(pos);
            _end = Math.Max(_end, pos + 1);
            Units[pos].Check = check;
            if (value >= 0) SetValue(pos, value);
        }

        public void SetValue(int pos, int value)
        {
            Units[pos].Check |= HasValue;
            Units[pos].Id = value;
        }

        public void DropFreeBelow(int limit)
        {
            for (int i = 0; i < Math.Min(limit, Units.Length); i++)
                if (_next[i] != -2) Unlink(i);
        }

        private bool Free(int pos) => pos >= Units.Length || _next[pos] != -2;

        public int FindBase(ReadOnlySpan<byte> labels)
        {
            byte lo = 255;
            foreach (byte l in labels) lo = Math.Min(lo, l);
            if (_head >= 0)
            {
                int p = _head;
                for (int tries = 0; tries < MaxTries; tries++)
                {
                    int bas = p - lo;
                    if (bas >= 1)
                    {
                        bool ok = true;
                        foreach (byte l in labels)
                        {
                            if (!Free(bas + l)) { ok = false; break; }
                        }
                        if (ok) return bas;
                    }
                    p = _next[p];
                    if (p == _head) break;
                }
            }
            return Math.Max(1, _end - lo);
        }
    }

    /// <summary>The node reached from <paramref name="node"/> by <paramref name="b"/>, or -1.</summary>
    public int Child(int node, byte b)
    {
        var units = _units;
        int p = units[node].Base + b;
        return (uint)p < (uint)units.Length && (units[p].Check & ~HasValue) == node ? p : -1;
    }

    /// <summary>One step of a walk: the child of <paramref name="node"/> by <paramref name="b"/> (or -1) and the id
    /// stored there (or -1), from a single probe.</summary>
    public int Step(int node, byte b, out int id)
    {
        var units = _units;
        int p = units[node].Base + b;
        id = -1;
        if ((uint)p >= (uint)units.Length) return -1;
        int check = units[p].Check;
        if ((check & ~HasValue) != node) return -1;
        if (check < 0) id = units[p].Id;
        return p;
    }

    /// <summary>The id stored at <paramref name="node"/>, or -1.</summary>
    public int Value(int node) => _units[node].Check < 0 ? _units[node].Id : -1;

    /// <summary>The node reached from <paramref name="node"/> by the bytes of <paramref name="key"/>, or -1.</summary>
    public int Walk(int node, ReadOnlySpan<byte> key)
    {
        if (_units.Length == 0) return -1;
        foreach (byte b in key)
        {
            node = Child(node, b);
            if (node < 0) return -1;
        }
        return node;
    }

    /// <summary>The id of exactly <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        if (_units.Length == 0) return -1;
        int node = 0;
        foreach (byte b in key)
        {
            node = Child(node, b);
            if (node < 0) return -1;
        }
        return Value(node);
    }

    /// <summary>The length of the longest key prefixing <paramref name="text"/> (0 if none).</summary>
    public int LongestPrefix(ReadOnlySpan<byte> text)
    {
        if (_units.Length == 0) return 0;
        int node = 0, best = 0;
        for (int i = 0; i < text.Length; i++)
        {
            node = Child(node, text[i]);
            if (node < 0) break;
            if (_units[node].Check < 0) best = i + 1;
        }
        return best;
    }
}
