using System.Text.Json;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits on White_Space characters, dropping them.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    /// <summary>The one instance.</summary>
    public static readonly WhitespaceSplitPreTokenizer Instance = new();

    /// <summary>Reads {"type": "WhitespaceSplit"}.</summary>
    public static WhitespaceSplitPreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "WhitespaceSplit");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) =>
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, Ucd.IsWhiteSpace), SplitBehavior.Removed);
}
