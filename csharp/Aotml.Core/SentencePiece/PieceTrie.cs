namespace Aotml.SentencePiece;

/// <summary>
/// A byte trie from pieces to ids, with the walk the encoders need: every piece that starts at a position, in
/// increasing length. Children live in one hash table keyed by (node, byte).
/// </summary>
public sealed class PieceTrie
{
    private readonly Dictionary<long, int> _children;
    private readonly List<int> _values;

    /// <summary>An empty trie sized for about <paramref name="nodes"/> nodes (no rehashing while it is built).</summary>
    public PieceTrie(int nodes = 0)
    {
        _children = new Dictionary<long, int>(nodes);
        _values = new List<int>(nodes + 1) { -1 };
    }

    /// <summary>Adds a piece; false if it is already present.</summary>
    public bool Add(ReadOnlySpan<byte> key, int id)
    {
        int node = 0;
        foreach (byte b in key)
        {
            long k = ((long)node << 8) | b;
            if (!_children.TryGetValue(k, out int child))
            {
                child = _values.Count;
                _values.Add(-1);
                _children.Add(k, child);
            }
            node = child;
        }
        if (_values[node] >= 0) return false;
        _values[node] = id;
        return true;
    }

    /// <summary>The node reached from <paramref name="node"/> by <paramref name="b"/>, or -1.</summary>
    public int Child(int node, byte b) => _children.TryGetValue(((long)node << 8) | b, out int c) ? c : -1;

    /// <summary>The id stored at <paramref name="node"/>, or -1.</summary>
    public int Value(int node) => _values[node];

    /// <summary>The id of exactly <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int node = 0;
        foreach (byte b in key)
        {
            node = Child(node, b);
            if (node < 0) return -1;
        }
        return _values[node];
    }

    /// <summary>The length of the longest key prefixing <paramref name="text"/> (0 if none).</summary>
    public int LongestPrefix(ReadOnlySpan<byte> text)
    {
        int node = 0, best = 0;
        for (int i = 0; i < text.Length; i++)
        {
            node = Child(node, text[i]);
            if (node < 0) break;
            if (_values[node] >= 0) best = i + 1;
        }
        return best;
    }
}
