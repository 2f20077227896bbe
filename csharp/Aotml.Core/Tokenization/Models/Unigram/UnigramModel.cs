using System.Text.Json;
using Aotml.Tokenization.Json;

namespace Aotml.Tokenization.Models.Unigram;

/// <summary>
/// Hugging Face's Unigram: the best-scoring segmentation of a piece (Viterbi over the vocabulary's pieces), unknown
/// characters scoring the lowest score minus 10 and consecutive ones fused into one unknown token; with byte_fallback
/// an unknown piece becomes its byte tokens &lt;0xXX&gt;. Immutable; thread-safe.
/// </summary>
public sealed class UnigramModel : IModel
{
    private const double UnkPenalty = 10.0;
    private readonly (string Token, double Score)[] _pieces;
    private readonly Utf8Map<uint> _ids;
    private readonly Dictionary<string, uint> _byToken;
    private readonly Dictionary<long, int> _children = new();   // (node << 8 | byte) → node
    private readonly List<int> _terminal = [-1];                 // node → token id, -1 if none
    private readonly double _minScore;
    private readonly uint[] _byteIds = new uint[256];

    /// <summary>The id of the unknown token, if any.</summary>
    public int? UnkId { get; }
    /// <summary>Whether unknown pieces become their byte tokens.</summary>
    public bool ByteFallback { get; }

    internal UnigramModel((string, double)[] pieces, int? unkId, bool byteFallback, string path)
    {
        _pieces = pieces; UnkId = unkId; ByteFallback = byteFallback;
        if (unkId is int u)
        {
            if (pieces.Length == 0) throw new ConfigurationException($"{path}.vocab: empty, but unk_id is set");
            if (u >= pieces.Length) throw new ConfigurationException($"{path}.unk_id: {u} is not an id of the {pieces.Length}-token vocabulary");
        }
        _ids = new Utf8Map<uint>(pieces.Length);
        _byToken = new Dictionary<string, uint>(pieces.Length);
        _minScore = double.PositiveInfinity;
        for (int i = 0; i < pieces.Length; i++)
        {
            var (token, score) = pieces[i];
            _ids.Set(token, (uint)i);          // a token listed twice answers to its last id, as HF's map does
            _byToken[token] = (uint)i;
            if (score < _minScore) _minScore = score;
            int node = 0;
            foreach (byte b in System.Text.Encoding.UTF8.GetBytes(token))
            {
                long key = ((long)node << 8) | b;
                if (!_children.TryGetValue(key, out int child))
                {
                    child = _terminal.Count;
                    _terminal.Add(-1);
                    _children[key] = child;
                }
                node = child;
            }
            if (_terminal[node] < 0) _terminal[node] = i;
        }
        for (int b = 0; b < 256; b++) _byteIds[b] = _byToken.TryGetValue($"<0x{b:X2}>", out uint id) ? id : uint.MaxValue;
    }

    /// <summary>Reads an HF Unigram model object (vocab as [token, score] pairs).</summary>
    public static UnigramModel FromJson(JsonElement e, string path)
    {
        JsonRead.RequireObject(e, path);
        var v = JsonRead.Array(e, "vocab", path);
        var pieces = new (string, double)[v.GetArrayLength()];
        int i = 0;
        foreach (var x in v.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Array || x.GetArrayLength() != 2 || x[0].ValueKind != JsonValueKind.String || x[1].ValueKind != JsonValueKind.Number)
                throw new ConfigurationException($"{path}.vocab[{i}]: expected [token, score], got {x.GetRawText()}");
            pieces[i++] = (x[0].GetString()!, x[1].GetDouble());
        }
        return new UnigramModel(pieces, JsonRead.OptInt(e, "unk_id", path), JsonRead.Bool(e, "byte_fallback", path, false), path);
    }

    /// <inheritdoc/>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "Unigram");
        if (UnkId is int u) w.WriteNumber("unk_id", u); else w.WriteNull("unk_id");
        w.WriteStartArray("vocab");
        foreach (var (t, s) in _pieces)
        {
            w.WriteStartArray();
            w.WriteStringValue(t);
            w.WriteNumberValue(s);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteBoolean("byte_fallback", ByteFallback);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public uint? TokenToId(string token) => _byToken.TryGetValue(token, out uint id) ? id : null;

    /// <inheritdoc/>
    public string? IdToToken(uint id) => id < (uint)_pieces.Length ? _pieces[id].Token : null;

    /// <inheritdoc/>
    public int VocabSize => _pieces.Length;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, uint> GetVocab() => _byToken;

    /// <inheritdoc/>
    public string TokenValue(uint id, ReadOnlySpan<byte> piece, int start, int end) =>
        UnkId is int u && id == (uint)u ? System.Text.Encoding.UTF8.GetString(piece[start..end]) : IdToToken(id) ?? "";

    [ThreadStatic] private static double[]? t_score;
    [ThreadStatic] private static int[]? t_from, t_id;

    /// <inheritdoc/>
    public void Tokenize<TSink>(ReadOnlySpan<byte> piece, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        int n = piece.Length;
        if (n == 0) return;
        var score = Rent(ref t_score, n + 1);
        var from = Rent(ref t_from, n + 1);
        var ids = Rent(ref t_id, n + 1);
        from.AsSpan(0, n + 1).Fill(-1);
        score[0] = 0;
        double unkScore = _minScore - UnkPenalty;
        for (int start = 0; start < n;)
        {
            double here = score[start];
            int mblen = Text.Utf8.IsContinuation(piece[start]) ? 1 : piece[start] < 0x80 ? 1 : piece[start] < 0xE0 ? 2 : piece[start] < 0xF0 ? 3 : 4;
            mblen = Math.Min(mblen, n - start);
            bool single = false;
            int node = 0;
            for (int k = start; k < n; k++)
            {
                if (!_children.TryGetValue(((long)node << 8) | piece[k], out node)) break;
                int id = _terminal[node];
                if (id < 0) continue;
                int end = k + 1;
                double cand = _pieces[id].Score + here;
                if (from[end] < 0 || cand > score[end]) { score[end] = cand; from[end] = start; ids[end] = id; }
                if (end - start == mblen) single = true;
            }
            if (!single)
            {
                int end = start + mblen;
                double cand = unkScore + here;
                if (from[end] < 0 || cand > score[end])
                {
                    score[end] = cand; from[end] = start;
                    ids[end] = UnkId ?? throw new EncodeException("the Unigram model has no unknown token (unk_id) for a character it cannot encode");
                }
            }
            start += mblen;
        }
        // Walk back, fusing runs of unknown pieces, then emit left to right.
        Span<(int Start, int End)> path = n <= 512 ? stackalloc (int, int)[n] : new (int, int)[n];
        int count = 0;
        bool lastUnk = false;
        for (int end = n; end > 0;)
        {
            int start = from[end];
            bool unk = UnkId is int u && ids[end] == u;
            if (unk && lastUnk) path[count - 1] = (start, path[count - 1].End);
            else path[count++] = (start, end);
            lastUnk = unk;
            end = start;
        }
        for (int i = count - 1; i >= 0; i--) Emit(piece, path[i].Start, path[i].End, offset, ref sink);
    }

    private void Emit<TSink>(ReadOnlySpan<byte> piece, int start, int end, int offset, ref TSink sink) where TSink : struct, ITokenSink
    {
        var s = piece[start..end];
        if (_ids.TryGetValue(s, out uint id)) { sink.Add(id, offset + start, offset + end); return; }
        if (ByteFallback)
        {
            bool all = true;
            foreach (byte b in s) all &= _byteIds[b] != uint.MaxValue;
            if (all)
            {
                foreach (byte b in s) sink.Add(_byteIds[b], offset + start, offset + end);
                return;
            }
        }
        sink.Add((uint)(UnkId ?? throw new EncodeException("the Unigram model has no unknown token (unk_id)")), offset + start, offset + end);
    }

    private static T[] Rent<T>(ref T[]? slot, int n)
    {
        if (slot == null || slot.Length < n) slot = new T[Math.Max(n, 1024)];
        return slot;
    }
}
