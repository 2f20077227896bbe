using System.Buffers;
using System.Text;

namespace Aotml.Tiktoken;

/// <summary>The special tokens of an encoding and a search for their occurrences in UTF-8 text.</summary>
public sealed class SpecialTokens
{
    private readonly byte[][] _bytes;
    private readonly SearchValues<byte> _firstBytes;
    private readonly int[][] _byFirstByte;   // special indices by first byte, longest first
    private readonly Dictionary<uint, int> _indexOfId = new();

    /// <summary>The token strings, in the order given.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The token ids, parallel to <see cref="Texts"/>.</summary>
    public IReadOnlyList<uint> Ids { get; }

    /// <summary>Number of special tokens.</summary>
    public int Count => _bytes.Length;

    /// <summary>Builds the set; throws <see cref="ConfigurationException"/> on an empty or repeated token.</summary>
    public SpecialTokens(IReadOnlyList<(string Text, uint Id)> tokens)
    {
        _bytes = new byte[tokens.Count][];
        var texts = new string[tokens.Count];
        var ids = new uint[tokens.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var buckets = new List<int>?[256];
        for (int i = 0; i < tokens.Count; i++)
        {
            var (text, id) = tokens[i];
            if (string.IsNullOrEmpty(text)) throw new ConfigurationException($"special token {i} (id {id}) is empty");
            if (!seen.Add(text)) throw new ConfigurationException($"special token {text} is given twice");
            // Two names may share an id (o200k_harmony's <|endofprompt|> and <|reserved_200018|>, as tiktoken allows).
            if (!_indexOfId.TryAdd(id, i)) SharedIds = true;
            texts[i] = text; ids[i] = id;
            _bytes[i] = Encoding.UTF8.GetBytes(text);
            (buckets[_bytes[i][0]] ??= new List<int>()).Add(i);
        }
        Texts = texts; Ids = ids;
        var first = new List<byte>();
        _byFirstByte = new int[256][];
        for (int b = 0; b < 256; b++)
        {
            var list = buckets[b];
            if (list == null) { _byFirstByte[b] = []; continue; }
            first.Add((byte)b);
            list.Sort((x, y) => _bytes[y].Length.CompareTo(_bytes[x].Length));
            _byFirstByte[b] = list.ToArray();
        }
        _firstBytes = SearchValues.Create(first.ToArray());
    }

    /// <summary>The UTF-8 bytes of special token <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Bytes(int index) => _bytes[index];

    /// <summary>Whether some id belongs to more than one special token.</summary>
    public bool SharedIds { get; }

    /// <summary>The index of the special token with id <paramref name="id"/>, or -1.</summary>
    public int IndexOfId(uint id) => _indexOfId.TryGetValue(id, out int i) ? i : -1;

    /// <summary>The index of the special token whose text is <paramref name="utf8"/>, or -1.</summary>
    public int IndexOfText(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return -1;
        foreach (int k in _byFirstByte[utf8[0]])
            if (utf8.SequenceEqual(_bytes[k])) return k;
        return -1;
    }

    /// <summary>
    /// The leftmost occurrence at or after <paramref name="from"/> of a special token whose index is set in
    /// <paramref name="mask"/> (the longest one where several start at the same byte); -1 if none.
    /// </summary>
    public int Find(ReadOnlySpan<byte> text, int from, bool[] mask, out int index)
    {
        int p = from;
        while (p < text.Length)
        {
            int k = text[p..].IndexOfAny(_firstBytes);
            if (k < 0) break;
            p += k;
            var rest = text[p..];
            foreach (int i in _byFirstByte[text[p]])
            {
                if (mask[i] && rest.StartsWith(_bytes[i])) { index = i; return p; }
            }
            p++;
        }
        index = -1;
        return -1;
    }
}

/// <summary>
/// Which special tokens a call treats as tokens (allowed) and which make it fail (disallowed); the Python layer
/// resolves tiktoken's <c>allowed_special</c>/<c>disallowed_special</c> arguments into this.
/// </summary>
public sealed class SpecialPolicy
{
    internal bool[] Allowed { get; }
    internal bool[] Disallowed { get; }
    internal bool AnyAllowed { get; }
    internal bool AnyDisallowed { get; }

    private SpecialPolicy(bool[] allowed, bool[] disallowed)
    {
        Allowed = allowed; Disallowed = disallowed;
        AnyAllowed = Array.IndexOf(allowed, true) >= 0;
        AnyDisallowed = Array.IndexOf(disallowed, true) >= 0;
    }

    /// <summary>Whether this policy was built for <paramref name="s"/> (same number of special tokens).</summary>
    public bool Fits(SpecialTokens s) => Allowed.Length == s.Count;

    /// <summary>No special tokens recognised, none rejected (encode_ordinary).</summary>
    public static SpecialPolicy Ordinary(SpecialTokens s) => new(new bool[s.Count], new bool[s.Count]);

    /// <summary>
    /// Builds a policy from token ids. <paramref name="allowedAll"/> allows every special token; otherwise
    /// <paramref name="allowed"/> lists them. <paramref name="disallowRest"/> rejects every special token that is
    /// not allowed; otherwise <paramref name="disallowed"/> lists them. Unknown ids are an ArgumentException.
    /// </summary>
    public static SpecialPolicy Create(SpecialTokens s, bool allowedAll, ReadOnlySpan<uint> allowed, bool disallowRest, ReadOnlySpan<uint> disallowed)
    {
        var a = new bool[s.Count];
        var d = new bool[s.Count];
        if (allowedAll) Array.Fill(a, true);
        else foreach (uint id in allowed) Mark(s, a, id);
        if (disallowRest) { for (int i = 0; i < a.Length; i++) d[i] = !a[i]; }
        else foreach (uint id in disallowed) Mark(s, d, id);
        return new SpecialPolicy(a, d);
    }

    // Marks every special token with this id (one, unless names share it).
    private static void Mark(SpecialTokens s, bool[] set, uint id)
    {
        set[Index(s, id)] = true;
        if (!s.SharedIds) return;
        for (int i = 0; i < set.Length; i++) if (s.Ids[i] == id) set[i] = true;
    }

    private static int Index(SpecialTokens s, uint id)
    {
        int i = s.IndexOfId(id);
        if (i < 0) throw new ArgumentException($"token {id} is not a special token of this encoding");
        return i;
    }
}
