using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Replaces the end-of-word suffix by a space (by nothing in the last token).</summary>
public sealed class BpeDecoder(string suffix = "</w>") : IDecoder
{
    /// <summary>The end-of-word suffix.</summary>
    public string Suffix { get; } = suffix;

    /// <summary>Reads {"type": "BPEDecoder", "suffix": string}.</summary>
    public static BpeDecoder FromJson(JsonElement e, string path) => new(JsonFields.String(e, "suffix", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "BPEDecoder");
        w.WriteString("suffix", Suffix);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
            result.Add(Decoders.Replace(tokens[i], Suffix, i == tokens.Count - 1 ? "" : " "));
        return result;
    }
}
