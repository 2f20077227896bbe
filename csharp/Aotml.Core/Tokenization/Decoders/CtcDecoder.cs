using System.Text.Json;

namespace Aotml.Tokenization.Decoders;

/// <summary>CTC output: repeated tokens collapse, padding goes, the word delimiter becomes a space (with cleanup).</summary>
public sealed class CtcDecoder(string padToken = "<pad>", string wordDelimiterToken = "|", bool cleanup = true) : IDecoder
{
    /// <summary>The blank token.</summary>
    public string PadToken { get; } = padToken;

    /// <summary>The token between words.</summary>
    public string WordDelimiterToken { get; } = wordDelimiterToken;

    /// <summary>Whether WordPiece's cleanup runs and delimiters become spaces.</summary>
    public bool Cleanup { get; } = cleanup;

    /// <summary>Reads {"type": "CTC", "pad_token", "word_delimiter_token", "cleanup"}.</summary>
    public static CtcDecoder FromJson(JsonElement e, string path) =>
        new(JsonFields.String(e, "pad_token", path), JsonFields.String(e, "word_delimiter_token", path), JsonFields.Bool(e, "cleanup", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "CTC");
        w.WriteString("pad_token", PadToken);
        w.WriteString("word_delimiter_token", WordDelimiterToken);
        w.WriteBoolean("cleanup", Cleanup);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> DecodeChain(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            if (i > 0 && tokens[i] == tokens[i - 1]) continue;
            string t = Decoders.Replace(tokens[i], PadToken, "");
            if (Cleanup) t = Decoders.Replace(WordPieceDecoder.CleanupText(t), WordDelimiterToken, " ");
            if (t.Length > 0) result.Add(t);
        }
        return result;
    }
}
