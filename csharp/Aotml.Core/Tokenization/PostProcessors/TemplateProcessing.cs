using System.Text.Json;

namespace Aotml.Tokenization.PostProcessors;

/// <summary>
/// Special tokens placed by templates: a template is a list of pieces, each a sequence ($A or $B, with the type id its
/// tokens take) or a special token (an id into <see cref="SpecialTokens"/>, which may stand for several tokens).
/// </summary>
public sealed class TemplateProcessing : IPostProcessor
{
    /// <summary>One piece of a template.</summary>
    /// <param name="IsSequence">A sequence piece (else a special token).</param>
    /// <param name="Id">"A" or "B" for a sequence, the special token's key otherwise.</param>
    /// <param name="TypeId">The type id of the piece's tokens.</param>
    public readonly record struct Piece(bool IsSequence, string Id, uint TypeId);

    /// <summary>The token(s) a special piece stands for.</summary>
    public sealed record SpecialToken(string Id, IReadOnlyList<uint> Ids, IReadOnlyList<string> Tokens);

    /// <summary>The template of a single sequence.</summary>
    public IReadOnlyList<Piece> Single { get; }

    /// <summary>The template of a pair.</summary>
    public IReadOnlyList<Piece> Pair { get; }

    /// <summary>The special tokens, by key.</summary>
    public IReadOnlyDictionary<string, SpecialToken> SpecialTokens { get; }

    private readonly int _addedSingle, _addedPair;

    /// <summary>Templates over the given special tokens; ConfigurationException if a piece names a missing one.</summary>
    public TemplateProcessing(IReadOnlyList<Piece> single, IReadOnlyList<Piece> pair, IReadOnlyDictionary<string, SpecialToken> specialTokens, string path = "$")
    {
        Single = single;
        Pair = pair;
        SpecialTokens = specialTokens;
        foreach (var (name, template) in new[] { ("single", single), ("pair", pair) })
            foreach (var p in template)
                if (!p.IsSequence && !specialTokens.ContainsKey(p.Id))
                    throw new ConfigurationException($"{path}.{name}: the special token \"{p.Id}\" is not in special_tokens");
        _addedSingle = Count(single);
        _addedPair = Count(pair);
    }

    private int Count(IReadOnlyList<Piece> template) =>
        template.Where(p => !p.IsSequence).Sum(p => SpecialTokens[p.Id].Ids.Count);

    /// <summary>Reads {"type": "TemplateProcessing", "single": [...], "pair": [...], "special_tokens": {...}}.</summary>
    public static TemplateProcessing FromJson(JsonElement e, string path)
    {
        var single = ReadTemplate(JsonFields.Array(e, "single", path), $"{path}.single");
        var pair = ReadTemplate(JsonFields.Array(e, "pair", path), $"{path}.pair");
        var specials = new Dictionary<string, SpecialToken>(StringComparer.Ordinal);
        foreach (var prop in JsonFields.Object(e, "special_tokens", path).EnumerateObject())
        {
            string at = $"{path}.special_tokens[\"{prop.Name}\"]";
            JsonFields.RequireObject(prop.Value, at);
            string id = JsonFields.String(prop.Value, "id", at);
            var ids = new List<uint>();
            foreach (var v in JsonFields.Array(prop.Value, "ids", at).EnumerateArray())
                ids.Add(v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out uint u) ? u : throw JsonFields.Error(at, "ids", $"{v} is not a token id"));
            var tokens = new List<string>();
            foreach (var v in JsonFields.Array(prop.Value, "tokens", at).EnumerateArray())
                tokens.Add(v.ValueKind == JsonValueKind.String ? v.GetString()! : throw JsonFields.Error(at, "tokens", $"{v} is not a string"));
            if (ids.Count != tokens.Count)
                throw JsonFields.Error(at, "ids", "ids and tokens must be of the same length");
            specials[prop.Name] = new SpecialToken(id, ids, tokens);
        }
        return new TemplateProcessing(single, pair, specials, path);
    }

    private static List<Piece> ReadTemplate(JsonElement array, string path)
    {
        var list = new List<Piece>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(ParsePiece(item.GetString()!) ?? throw new ConfigurationException($"{at}: cannot build a piece from \"{item.GetString()}\""));
                continue;
            }
            JsonFields.RequireObject(item, at);
            if (item.TryGetProperty("Sequence", out var s))
            {
                string id = JsonFields.String(s, "id", at + ".Sequence");
                if (id is not ("A" or "B"))
                    throw new ConfigurationException($"{at}.Sequence.id: expected \"A\" or \"B\", got \"{id}\"");
                list.Add(new Piece(true, id, (uint)JsonFields.Integer(s, "type_id", at + ".Sequence", 0, uint.MaxValue)));
            }
            else if (item.TryGetProperty("SpecialToken", out var t))
            {
                list.Add(new Piece(false, JsonFields.String(t, "id", at + ".SpecialToken"),
                    (uint)JsonFields.Integer(t, "type_id", at + ".SpecialToken", 0, uint.MaxValue)));
            }
            else
            {
                throw new ConfigurationException($"{at}: expected {{\"Sequence\": ...}} or {{\"SpecialToken\": ...}}");
            }
        }
        return list;
    }

    /// <summary>Parses one piece of HF's string form: "$A", "$B", "$1" (A with type id 1), "[CLS]", each with an
    /// optional ":type_id".</summary>
    public static Piece? ParsePiece(string s)
    {
        var parts = s.Split(':');
        if (parts.Length > 2) return null;
        uint? typeId = null;
        if (parts.Length == 2)
        {
            if (!uint.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out uint t)) return null;
            typeId = t;
        }
        string id = parts[0];
        Piece piece;
        if (id.StartsWith('$'))
        {
            string rest = id[1..];
            if (rest is "" or "A" or "a") piece = new Piece(true, "A", 0);
            else if (rest is "B" or "b") piece = new Piece(true, "B", 0);
            else if (uint.TryParse(rest, System.Globalization.NumberStyles.None, null, out uint n)) piece = new Piece(true, "A", n);
            else return null;
        }
        else
        {
            piece = new Piece(false, id, 0);
        }
        return typeId is uint tid ? piece with { TypeId = tid } : piece;
    }

    /// <summary>Writes the object HF writes (special tokens sorted by key).</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "TemplateProcessing");
        WriteTemplate(w, "single", Single);
        WriteTemplate(w, "pair", Pair);
        w.WriteStartObject("special_tokens");
        foreach (var key in SpecialTokens.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var t = SpecialTokens[key];
            w.WriteStartObject(key);
            w.WriteString("id", t.Id);
            w.WriteStartArray("ids");
            foreach (var id in t.Ids) w.WriteNumberValue(id);
            w.WriteEndArray();
            w.WriteStartArray("tokens");
            foreach (var tok in t.Tokens) w.WriteStringValue(tok);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTemplate(Utf8JsonWriter w, string name, IReadOnlyList<Piece> template)
    {
        w.WriteStartArray(name);
        foreach (var p in template)
        {
            w.WriteStartObject();
            w.WriteStartObject(p.IsSequence ? "Sequence" : "SpecialToken");
            w.WriteString("id", p.Id);
            w.WriteNumber("type_id", p.TypeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => isPair ? _addedPair : _addedSingle;

    /// <inheritdoc/>
    public IReadOnlyList<Encoding> ProcessEncodings(IReadOnlyList<Encoding> encodings, bool addSpecialTokens)
    {
        var template = encodings.Count switch
        {
            1 => Single,
            2 => Pair,
            _ => throw new ArgumentException($"expected one or two encodings, got {encodings.Count}", nameof(encodings)),
        };
        bool withTokens = EncodingParts.WithTokens(encodings.SelectMany(e => e.Overflowing.Append(e)));
        var result = new List<Encoding>(template.Count);
        foreach (var piece in template)
        {
            if (piece.IsSequence)
            {
                // The sequence itself, overflows and all (the caller's merge combines them), with the piece's
                // type id and sequence id on its own tokens only, as HF's set_type_ids/set_sequence_id do.
                int i = piece.Id == "A" ? 0 : 1;
                if (i >= encodings.Count)
                    throw new ArgumentException("the pair template was given a single sequence", nameof(encodings));
                var src = encodings[i];
                var copy = new Encoding();
                EncodingParts.AddSequence(copy, src, piece.TypeId, i, reset: false, withTokens);
                copy.Overflowing.AddRange(src.Overflowing);
                result.Add(copy);
            }
            else if (addSpecialTokens)
            {
                var tok = SpecialTokens[piece.Id];
                var e = new Encoding();
                for (int k = 0; k < tok.Ids.Count; k++)
                    EncodingParts.AddSpecial(e, tok.Tokens[k], tok.Ids[k], piece.TypeId, withTokens);
                result.Add(e);
            }
        }
        return result;
    }
}
