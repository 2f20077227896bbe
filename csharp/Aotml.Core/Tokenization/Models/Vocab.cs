using System.Text.Json;

namespace Aotml.Tokenization.Models;

/// <summary>A model vocabulary: token ↔ id, looked up by string, by UTF-8 span, or by id.</summary>
internal sealed class Vocab
{
    private readonly string?[] _byId;

    /// <summary>Token → id.</summary>
    public Dictionary<string, uint> ByToken { get; }

    /// <summary>UTF-8 token → id.</summary>
    public Utf8Map<uint> ByBytes { get; }

    /// <summary>The number of tokens.</summary>
    public int Count => ByToken.Count;

    /// <summary>
    /// Builds the vocabulary; <see cref="ConfigurationException"/> (naming <paramref name="path"/>) when two tokens
    /// share an id or an id is far beyond the vocabulary (a table that large would be a mistake).
    /// </summary>
    public Vocab(IReadOnlyList<(string Token, uint Id)> entries, string path)
    {
        ByToken = new Dictionary<string, uint>(entries.Count);
        ByBytes = new Utf8Map<uint>(entries.Count);
        uint max = 0;
        foreach (var (_, id) in entries) max = Math.Max(max, id);
        if (entries.Count > 0 && max >= (ulong)entries.Count * 4 + (1 << 20))
            throw new ConfigurationException($"{path}: id {max} is far beyond the {entries.Count} tokens of the vocabulary");
        _byId = new string?[entries.Count == 0 ? 0 : max + 1];
        foreach (var (token, id) in entries)
        {
            if (!ByToken.TryAdd(token, id)) throw new ConfigurationException($"{path}: the token {Json.JsonRead.Quote(token)} is listed twice");
            if (_byId[id] is { } other) throw new ConfigurationException($"{path}: the tokens {Json.JsonRead.Quote(other)} and {Json.JsonRead.Quote(token)} have the same id {id}");
            _byId[id] = token;
            ByBytes.Set(token, id);
        }
    }

    /// <summary>Reads a JSON object of token → id.</summary>
    public static Vocab FromJsonObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ConfigurationException($"{path}: expected an object of token → id, got {Json.JsonRead.Kind(e)}");
        var list = new List<(string, uint)>();
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetUInt32(out uint id))
                throw new ConfigurationException($"{path}[{Json.JsonRead.Quote(p.Name)}]: expected an id from 0 to {uint.MaxValue}, got {p.Value.GetRawText()}");
            list.Add((p.Name, id));
        }
        return new Vocab(list, path);
    }

    /// <summary>The id of a token.</summary>
    public uint? TokenToId(string token) => ByToken.TryGetValue(token, out uint id) ? id : null;

    /// <summary>The token of an id.</summary>
    public string? IdToToken(uint id) => id < (uint)_byId.Length ? _byId[id] : null;

    /// <summary>Writes the vocabulary as a JSON object, by ascending id (as HF does).</summary>
    public void WriteJsonObject(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        for (uint i = 0; i < _byId.Length; i++)
            if (_byId[i] is { } t) w.WriteNumber(t, i);
        w.WriteEndObject();
    }

}
