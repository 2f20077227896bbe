// STAND-IN: delete this file when HF-A's Tokenizer (csharp/Aotml.Core/Tokenization/Tokenizer.cs) is merged.
// It implements the contract's Tokenizer API just far enough (whitespace words looked up in the model's vocabulary,
// exact added tokens, right truncation without overflow, padding) for the exports and the Python layer to be built
// and exercised before the real pipeline exists. Nothing here is meant to match Hugging Face.
using System.Text;
using System.Text.Json;

namespace Aotml.Tokenization;

/// <summary>A token added to the vocabulary (stand-in of HF-A's record).</summary>
public sealed record AddedToken(string Content, bool SingleWord, bool LStrip, bool RStrip, bool Normalized, bool Special);

/// <summary>Which side truncation or padding works on (stand-in).</summary>
public enum Direction { Left, Right }

/// <summary>How a pair is truncated (stand-in).</summary>
public enum TruncationStrategy { LongestFirst, OnlyFirst, OnlySecond }

/// <summary>Truncation settings (stand-in).</summary>
public sealed record TruncationParams(int MaxLength, int Stride, TruncationStrategy Strategy, Direction Direction);

/// <summary>Padding settings (stand-in).</summary>
public sealed record PaddingParams(Direction Direction, int? Length, int? PadToMultipleOf, uint PadId, uint PadTypeId, string PadToken);

/// <summary>Per-call options (stand-in).</summary>
public struct EncodeOptions
{
    /// <summary>Run the post-processor's special tokens.</summary>
    public bool AddSpecialTokens;
    /// <summary>Truncation, or null.</summary>
    public TruncationParams? Truncation;
    /// <summary>Padding, or null.</summary>
    public PaddingParams? Padding;
    /// <summary>Whether special added tokens are matched in text.</summary>
    public bool EncodeSpecialTokens;
}

/// <summary>Stand-in of HF-A's Tokenizer: the contract's surface over a whitespace word lookup.</summary>
public sealed class Tokenizer
{
    private readonly byte[] _json;
    private readonly Dictionary<string, uint> _vocab = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, string> _reverse = [];
    private readonly List<(AddedToken Token, uint Id)> _added = [];
    private uint? _unk;

    private Tokenizer(byte[] json) => _json = json;

    /// <summary>Loads a tokenizer.json (stand-in: the model's vocabulary and the added tokens only).</summary>
    public static Tokenizer FromJson(ReadOnlySpan<byte> utf8Json)
    {
        var t = new Tokenizer(utf8Json.ToArray());
        JsonDocument doc;
        try { doc = JsonDocument.Parse(t._json); }
        catch (JsonException e) { throw new ConfigurationException($"$: not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ConfigurationException("$: expected an object");
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new ConfigurationException("$.model: missing");
            if (model.TryGetProperty("vocab", out var vocab))
            {
                if (vocab.ValueKind == JsonValueKind.Object)
                    foreach (var p in vocab.EnumerateObject()) t.Put(p.Name, p.Value.GetUInt32());
                else if (vocab.ValueKind == JsonValueKind.Array)
                {
                    uint i = 0;
                    foreach (var p in vocab.EnumerateArray()) t.Put(p[0].GetString()!, i++);
                }
            }
            if (model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String)
                t._unk = t.TokenToId(unk.GetString()!);
            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
                foreach (var a in added.EnumerateArray())
                {
                    var tok = new AddedToken(a.GetProperty("content").GetString()!, a.GetProperty("single_word").GetBoolean(),
                        a.GetProperty("lstrip").GetBoolean(), a.GetProperty("rstrip").GetBoolean(),
                        a.GetProperty("normalized").GetBoolean(), a.GetProperty("special").GetBoolean());
                    uint id = a.GetProperty("id").GetUInt32();
                    t._added.Add((tok, id));
                    t.Put(tok.Content, id);
                }
        }
        return t;
    }

    private void Put(string token, uint id)
    {
        _vocab[token] = id;
        _reverse[id] = token;
    }

    /// <summary>The tokenizer.json (stand-in: as loaded).</summary>
    public byte[] ToJson(bool pretty) => (byte[])_json.Clone();

    /// <summary>A new tokenizer with more added tokens.</summary>
    public Tokenizer WithAddedTokens(IReadOnlyList<AddedToken> tokens, bool special, out int added)
    {
        var t = FromJson(_json);
        t._added.Clear();
        t._added.AddRange(_added);
        foreach (var (tok, id) in _added) t.Put(tok.Content, id);
        added = 0;
        foreach (var tok in tokens)
        {
            if (t._vocab.ContainsKey(tok.Content)) continue;
            uint id = (uint)t._reverse.Count;
            var k = special ? tok with { Special = true } : tok;
            t._added.Add((k, id));
            t.Put(k.Content, id);
            added++;
        }
        return t;
    }

    /// <summary>Encodes one input (stand-in: whitespace words).</summary>
    public Encoding Encode(ReadOnlySpan<byte> text, ReadOnlySpan<byte> pair, bool hasPair, in EncodeOptions options)
    {
        var e = Words(text, 0);
        if (hasPair)
        {
            var p = Words(pair, 1);
            foreach (var i in Enumerable.Range(0, p.Length)) p.TypeIds[i] = 1;
            e.Append(p);
        }
        if (options.Truncation is { } tr && e.Length > tr.MaxLength) Cut(e, tr.MaxLength);
        return e;
    }

    private Encoding Words(ReadOnlySpan<byte> text, int seq)
    {
        var e = new Encoding();
        int i = 0, word = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is (byte)' ' or (byte)'\n' or (byte)'\t') i++;
            int s = i;
            while (i < text.Length && text[i] is not ((byte)' ' or (byte)'\n' or (byte)'\t')) i++;
            if (i == s) break;
            string w = System.Text.Encoding.UTF8.GetString(text[s..i]);
            uint? id = TokenToId(w) ?? _unk;
            if (id is uint v) e.Add(v, (s, i), word, 0, false, IdToToken(v), seq);
            word++;
        }
        return e;
    }

    private static void Cut(Encoding e, int n)
    {
        int k = e.Length - n;
        e.Ids.RemoveRange(n, k); e.TypeIds.RemoveRange(n, k); e.Tokens.RemoveRange(n, k); e.Offsets.RemoveRange(n, k);
        e.WordIds.RemoveRange(n, k); e.SpecialTokensMask.RemoveRange(n, k); e.AttentionMask.RemoveRange(n, k);
        e.SequenceIds.RemoveRange(n, k);
    }

    /// <summary>Encodes a batch on <paramref name="threads"/> threads, then pads.</summary>
    public Encoding[] EncodeBatch(IReadOnlyList<byte[]> texts, IReadOnlyList<byte[]?>? pairs, in EncodeOptions options, int threads)
    {
        var o = options;
        var r = new Encoding[texts.Count];
        BatchRunner.Run(texts.Count, threads, i => r[i] = Encode(texts[i], pairs?[i] ?? [], pairs?[i] != null, o));
        if (options.Padding is { } pad)
        {
            int len = pad.Length ?? r.Select(x => x.Length).DefaultIfEmpty(0).Max();
            if (pad.PadToMultipleOf is int m && m > 0 && len % m != 0) len += m - len % m;
            foreach (var e in r)
                while (e.Length < len)
                {
                    e.Add(pad.PadId, (0, 0), -1, pad.PadTypeId, false, e.Tokens.Count > 0 ? pad.PadToken : null, -1);
                    e.AttentionMask[^1] = 0;
                }
        }
        return r;
    }

    /// <summary>Decodes ids (stand-in: tokens joined by spaces).</summary>
    public string Decode(ReadOnlySpan<uint> ids, bool skipSpecialTokens)
    {
        var parts = new List<string>();
        foreach (uint id in ids)
        {
            if (IdToToken(id) is not { } s) continue;
            if (skipSpecialTokens && _added.Any(a => a.Id == id && a.Token.Special)) continue;
            parts.Add(s);
        }
        return string.Join(' ', parts);
    }

    /// <summary>The id of a token, added tokens included.</summary>
    public uint? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    /// <summary>The token of an id.</summary>
    public string? IdToToken(uint id) => _reverse.TryGetValue(id, out var s) ? s : null;

    /// <summary>The vocabulary size.</summary>
    public int GetVocabSize(bool withAddedTokens) => withAddedTokens ? _reverse.Count : _reverse.Count - _added.Count;

    /// <summary>The vocabulary.</summary>
    public IReadOnlyDictionary<string, uint> GetVocab(bool withAddedTokens) =>
        withAddedTokens ? _vocab : _vocab.Where(kv => !_added.Any(a => a.Id == kv.Value)).ToDictionary();

    /// <summary>The added tokens in id order.</summary>
    public IReadOnlyList<(AddedToken Token, uint Id)> AddedTokensWithIds => _added;

    /// <summary>Default truncation from the JSON (stand-in: none).</summary>
    public TruncationParams? DefaultTruncation => null;

    /// <summary>Default padding from the JSON (stand-in: none).</summary>
    public PaddingParams? DefaultPadding => null;
}
