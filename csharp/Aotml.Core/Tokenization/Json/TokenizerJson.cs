using System.Text.Json;

namespace Aotml.Tokenization.Json;

/// <summary>Reads and writes the tokenizer.json format (version "1.0") as HF tokenizers 0.23 does.</summary>
public static class TokenizerJson
{
    /// <summary>The components' JSON as read, written back when a component cannot write itself.</summary>
    internal sealed record RawParts(string? Normalizer, string? PreTokenizer, string? PostProcessor, string? Decoder);

    /// <summary>Parses tokenizer.json; every failure is a <see cref="ConfigurationException"/> naming a JSON path.</summary>
    public static Tokenizer Read(ReadOnlySpan<byte> utf8Json)
    {
        // The reader leaves strings unchecked until they are decoded, and the vocabulary and merges are read as raw
        // UTF-8: one check of the whole text up front (it is fast) keeps invalid UTF-8 out of every token.
        if (System.Text.Unicode.Utf8.IsValid(utf8Json) is false)
            throw new ConfigurationException($"$: invalid UTF-8 at byte {FirstInvalidUtf8(utf8Json)}");
        try
        {
            return ReadValid(utf8Json);
        }
        catch (InvalidOperationException e) when (e.Source == typeof(JsonDocument).Assembly.GetName().Name || e.Message.Contains("JSON", StringComparison.Ordinal))
        {
            // A string escape that is no text (a lone surrogate such as \ud800), found when the string is decoded.
            throw new ConfigurationException($"$: {e.Message}", e);
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> s)
    {
        System.Text.Unicode.Utf8.ToUtf16(s, new char[s.Length], out int read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static Tokenizer ReadValid(ReadOnlySpan<byte> utf8Json)
    {
        // A BPE's vocab and merges read from the raw text, the document parsed without them (LargeParts); whatever
        // that declines or finds wrong is read again the general way, which gives the exact error.
        if (LargeParts.Find(utf8Json, out var large, out byte[] rest))
        {
            try
            {
                return ReadDocument(rest, large);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
            }
        }
        return ReadDocument(utf8Json, default);
    }

    internal static Tokenizer ReadDocument(ReadOnlySpan<byte> utf8Json, scoped in LargeParts large)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"$: invalid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            JsonRead.RequireObject(root, "$");
            if (JsonRead.Field(root, "version") is { } v && (v.ValueKind != JsonValueKind.String || v.GetString() != "1.0"))
                throw new ConfigurationException($"$.version: unknown tokenizer version {v.GetRawText()}");
            var model = ComponentJson.Model(JsonRead.Required(root, "model", "$"), "$.model", large);
            var nullElement = default(JsonElement);
            JsonElement Part(string name) => root.TryGetProperty(name, out var p) ? p : nullElement;
            static string? RawOf(JsonElement e) => e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : e.GetRawText();
            var normalizerJson = Part("normalizer");
            var preJson = Part("pre_tokenizer");
            var postJson = Part("post_processor");
            var decoderJson = Part("decoder");
            var normalizer = normalizerJson.ValueKind == JsonValueKind.Undefined ? null : ComponentJson.Normalizer(normalizerJson, "$.normalizer");
            var pre = preJson.ValueKind == JsonValueKind.Undefined ? null : ComponentJson.PreTokenizer(preJson, "$.pre_tokenizer");
            var post = postJson.ValueKind == JsonValueKind.Undefined ? null : ComponentJson.PostProcessor(postJson, "$.post_processor");
            var decoder = decoderJson.ValueKind == JsonValueKind.Undefined ? null : ComponentJson.Decoder(decoderJson, "$.decoder");
            var truncation = ReadTruncation(Part("truncation"), "$.truncation");
            var padding = ReadPadding(Part("padding"), "$.padding");
            var added = ReadAddedTokens(Part("added_tokens"), "$.added_tokens", model);
            var vocab = AddedVocabulary.Empty.With(added, model, normalizer, out _);
            return new Tokenizer(model, normalizer, pre, post, decoder, vocab, truncation, padding,
                new RawParts(RawOf(normalizerJson), RawOf(preJson), RawOf(postJson), RawOf(decoderJson)));
        }
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement e, string path, IModel model)
    {
        var list = new List<AddedToken>();
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return list;
        if (e.ValueKind != JsonValueKind.Array) throw new ConfigurationException($"{path}: expected an array, got {JsonRead.Kind(e)}");
        int i = 0;
        foreach (var t in e.EnumerateArray())
        {
            string at = $"{path}[{i++}]";
            JsonRead.RequireObject(t, at);
            JsonRead.UInt(t, "id", at);
            string content = JsonRead.String(t, "content", at);
            // An id that disagrees with the vocabulary is not an error: HF warns and gives a token the model knows
            // the model's id, and any other the next free one (AddedVocabulary.With does the same).
            list.Add(new AddedToken(content, JsonRead.Bool(t, "single_word", at, false), JsonRead.Bool(t, "lstrip", at, false),
                JsonRead.Bool(t, "rstrip", at, false), JsonRead.Bool(t, "normalized", at, true), JsonRead.Bool(t, "special", at, false)));
        }
        return list;
    }

    private static Direction ReadDirection(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var v)) return Direction.Right;
        return v.ValueKind == JsonValueKind.String && v.GetString() is "Left" or "Right"
            ? (v.GetString() == "Left" ? Direction.Left : Direction.Right)
            : throw new ConfigurationException($"{path}.{name}: expected \"Left\" or \"Right\", got {v.GetRawText()}");
    }

    private static TruncationParams? ReadTruncation(JsonElement e, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        JsonRead.RequireObject(e, path);
        var s = JsonRead.Required(e, "strategy", path);
        var strategy = (s.ValueKind == JsonValueKind.String ? s.GetString() : null) switch
        {
            "LongestFirst" => TruncationStrategy.LongestFirst,
            "OnlyFirst" => TruncationStrategy.OnlyFirst,
            "OnlySecond" => TruncationStrategy.OnlySecond,
            _ => throw new ConfigurationException($"{path}.strategy: expected \"LongestFirst\", \"OnlyFirst\" or \"OnlySecond\", got {s.GetRawText()}"),
        };
        return new TruncationParams(JsonRead.Int(e, "max_length", path), JsonRead.Int(e, "stride", path), strategy, ReadDirection(e, "direction", path));
    }

    private static PaddingParams? ReadPadding(JsonElement e, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        JsonRead.RequireObject(e, path);
        var s = JsonRead.Required(e, "strategy", path);
        int? length;
        if (s.ValueKind == JsonValueKind.String && s.GetString() == "BatchLongest") length = null;
        else if (s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Fixed", out _)) length = JsonRead.Int(s, "Fixed", path + ".strategy");
        else throw new ConfigurationException($"{path}.strategy: expected \"BatchLongest\" or {{\"Fixed\": length}}, got {s.GetRawText()}");
        JsonRead.Required(e, "direction", path);
        return new PaddingParams(ReadDirection(e, "direction", path), length, JsonRead.OptInt(e, "pad_to_multiple_of", path),
            JsonRead.UInt(e, "pad_id", path), JsonRead.UInt(e, "pad_type_id", path), JsonRead.String(e, "pad_token", path));
    }

    /// <summary>Writes tokenizer.json with HF's field order.</summary>
    public static byte[] Write(Tokenizer t, bool pretty)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            if (t.DefaultTruncation is { } tr)
            {
                w.WriteStartObject("truncation");
                w.WriteString("direction", tr.Direction.ToString());
                w.WriteNumber("max_length", tr.MaxLength);
                w.WriteString("strategy", tr.Strategy.ToString());
                w.WriteNumber("stride", tr.Stride);
                w.WriteEndObject();
            }
            else w.WriteNull("truncation");
            if (t.DefaultPadding is { } p)
            {
                w.WriteStartObject("padding");
                if (p.Length is int len) { w.WriteStartObject("strategy"); w.WriteNumber("Fixed", len); w.WriteEndObject(); }
                else w.WriteString("strategy", "BatchLongest");
                w.WriteString("direction", p.Direction.ToString());
                if (p.PadToMultipleOf is int m) w.WriteNumber("pad_to_multiple_of", m); else w.WriteNull("pad_to_multiple_of");
                w.WriteNumber("pad_id", p.PadId);
                w.WriteNumber("pad_type_id", p.PadTypeId);
                w.WriteString("pad_token", p.PadToken);
                w.WriteEndObject();
            }
            else w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            foreach (var (id, a) in t.AddedTokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", a.Content);
                w.WriteBoolean("single_word", a.SingleWord);
                w.WriteBoolean("lstrip", a.LStrip);
                w.WriteBoolean("rstrip", a.RStrip);
                w.WriteBoolean("normalized", a.Normalized);
                w.WriteBoolean("special", a.Special);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WritePart(w, "normalizer", t.Normalizer is { } n ? n.WriteJson : null, t.Raw.Normalizer);
            WritePart(w, "pre_tokenizer", t.PreTokenizer is { } pt ? pt.WriteJson : null, t.Raw.PreTokenizer);
            WritePart(w, "post_processor", t.PostProcessor is { } pp ? pp.WriteJson : null, t.Raw.PostProcessor);
            WritePart(w, "decoder", t.Decoder is { } d ? d.WriteJson : null, t.Raw.Decoder);
            w.WritePropertyName("model");
            t.Model.WriteJson(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WritePart(Utf8JsonWriter w, string name, Action<Utf8JsonWriter>? write, string? raw)
    {
        w.WritePropertyName(name);
        if (write is null) { w.WriteNullValue(); return; }
        // A component that cannot write itself yet is written back as it was read.
        string text;
        try
        {
            using var ms = new MemoryStream();
            using (var pw = new Utf8JsonWriter(ms)) write(pw);
            text = System.Text.Encoding.UTF8.GetString(ms.ToArray());
        }
        catch (NotSupportedException) when (raw != null)
        {
            text = raw;
        }
        using var doc = JsonDocument.Parse(text);
        doc.RootElement.WriteTo(w);
    }
}
