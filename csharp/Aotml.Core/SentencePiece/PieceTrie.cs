namespace Aotml.SentencePiece;

/// <summary>
/// A byte trie from pieces to ids, with the walk the encoders need: every piece that starts at a position, in
/// increasing length. Keys are added to a linked builder; <see cref="Freeze"/> packs them into a double array
/// (child of node n by byte b at base[n] + b when check there is n), so a step of the walk is one array probe.
/// </summary>
public sealed class PieceTrie
{
    // Check holds the parent's slot, with HasValue set when the node ends a key: a step reads 8 bytes, and the
    // value array only at key ends.
    private struct Unit
    {
        public int Base, Check;
    }

    private const int HasValue = int.MinValue;

    // Builder: node 0 is the root; children of a node are a singly linked list.
    private List<int> _firstChild, _nextSibling, _values;
    private List<byte> _labels;
    private Dictionary<long, int> _childOf;  // (node << 8 | byte) -> child, while building
    private Unit[] _units = [];
    private int[] _ids = [];

    /// <summary>An empty trie sized for about <paramref name="nodes"/> nodes.</summary>
    public PieceTrie(int nodes = 0)
    {
        _firstChild = new List<int>(nodes + 1) { -1 };
        _nextSibling = new List<int>(nodes + 1) { -1 };
        _values = new List<int>(nodes + 1) { -1 };
        _labels = new List<byte>(nodes + 1) { 0 };
        _childOf = new Dictionary<long, int>(nodes);
    }

    /// <summary>Adds a piece; false if it is already present. Call <see cref="Freeze"/> before any look-up.</summary>
    public bool Add(ReadOnlySpan<byte> key, int id)
    {
        int node = 0;
        foreach (byte b in key)
        {
            long k = ((long)node << 8) | b;
            if (!_childOf.TryGetValue(k, out int child))
            {
                _childOf.Add(k, _values.Count);
                child = _values.Count;
                _values.Add(-1);
                _labels.Add(b);
                _firstChild.Add(-1);
                _nextSibling.Add(_firstChild[node]);
                _firstChild[node] = child;
            }
            node = child;
        }
        if (_values[node] >= 0) return false;
        _values[node] = id;
        return true;
    }

    /// <summary>Packs the added keys into the double array the look-ups read; the builder is dropped.</summary>
    /// <remarks>
    /// Free slots are a linked list, so placing a node visits free slots only; a node whose children fit none of the
    /// first <see cref="MaxTries"/> of them goes past the end instead, which keeps building linear in the keys.
    /// </remarks>
    public PieceTrie Freeze()
    {
        int count = _values.Count;
        var b = new DoubleArrayBuilder(count + count / 4 + 512);
        var posOf = new int[count];
        var queue = new Queue<int>();
        queue.Enqueue(0);
        b.Use(0, -1, _values[0]);
        Span<byte> labels = stackalloc byte[256];
        bool root = true;
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            int n = 0;
            for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c]) labels[n++] = _labels[c];
            if (n == 0) continue;
            int bas = b.FindBase(labels[..n]);
            int pos = posOf[node];
            b.Units[pos].Base = bas;
            for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c])
            {
                int p = bas + _labels[c];
                b.Use(p, pos, _values[c]);
                posOf[c] = p;
                queue.Enqueue(c);
            }
            // Below 256 only the root's children fit (a base is at least 1); the slots they left stay empty.
            if (root) b.DropFreeBelow(256);
            root = false;
        }
        _units = b.Units;
        _ids = b.Values;
        _firstChild = _nextSibling = _values = [];
        _labels = [];
        _childOf = [];
        return this;
    }

    private const int MaxTries = 64;

    private sealed class DoubleArrayBuilder
    {
        public Unit[] Units;
        public int[] Values = [];
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
            Array.Resize(ref Values, size);
            Array.Resize(ref _next, size);
            Array.Resize(ref _prev, size);
            for (int i = old; i < size; i++)
            {
                Units[i] = new Unit { Check = -1 };
                Values[i] = -1;
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
            Units[pos].Check = value >= 0 ? check | HasValue : check;
            Values[pos] = value;
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
        if (check < 0) id = _ids[p];
        return p;
    }

    /// <summary>The id stored at <paramref name="node"/>, or -1.</summary>
    public int Value(int node) => _units[node].Check < 0 ? _ids[node] : -1;

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
