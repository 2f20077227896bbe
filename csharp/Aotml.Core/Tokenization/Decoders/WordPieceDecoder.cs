using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>Joins WordPiece tokens: continuation tokens lose their prefix, others get a leading space; optionally
/// BERT's cleanup of spaces before punctuation and contractions.</summary>
public sealed class WordPieceDecoder(string prefix = "##", bool cleanup = true) : IDecoder
{
    /// <summary>The continuation prefix.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Whether tokenization spaces are cleaned up.</summary>
    public bool Cleanup { get; } = cleanup;

    /// <summary>Reads {"type": "WordPiece", "prefix": string, "cleanup": bool}.</summary>
    public static WordPieceDecoder FromJson(JsonElement e, string path) =>
        new(JsonFields.String(e, "prefix", path), JsonFields.Bool(e, "cleanup", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "WordPiece");
        w.WriteString("prefix", Prefix);
        w.WriteBoolean("cleanup", Cleanup);
        w.WriteEndObject();
    }

    /// <summary>HF's <c>wordpiece::cleanup</c>: removes the spaces tokenization put before punctuation and in contractions.</summary>
    public static string CleanupText(string s) => s
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (i != 0)
                t = Prefix.Length > 0 && t.StartsWith(Prefix, StringComparison.Ordinal) || Prefix.Length == 0 ? t[Prefix.Length..] : " " + t;
            if (Cleanup) t = CleanupText(t);
            result.Add(t);
        }
        return result;
    }
}
