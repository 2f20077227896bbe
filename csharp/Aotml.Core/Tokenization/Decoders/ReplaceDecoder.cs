using System.Text.Json;
using Aotml.Tokenization.Normalizers;

namespace Aotml.Tokenization.Decoders;

/// <summary>Replaces every match of a pattern in each token (SentencePiece's "▁" back to spaces, typically).</summary>
public sealed class ReplaceDecoder(ReplacePattern pattern, string content) : IDecoder
{
    /// <summary>What is replaced.</summary>
    public ReplacePattern Pattern { get; } = pattern;

    /// <summary>What replaces it.</summary>
    public string Content { get; } = content;

    /// <summary>Reads {"type": "Replace", "pattern": {...}, "content": string}.</summary>
    public static ReplaceDecoder FromJson(JsonElement e, string path) =>
        new(ReplacePattern.FromJson(e, "pattern", path), JsonFields.String(e, "content", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Replace");
        Pattern.WriteJson(w, "pattern");
        w.WriteString("content", Content);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens) =>
        tokens.Select(t => Pattern.ReplaceIn(t, Content)).ToList();
}
