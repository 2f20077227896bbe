using System.Text.Json;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits on one delimiter character, dropping it.</summary>
public sealed class CharDelimiterSplitPreTokenizer(int delimiter) : IPreTokenizer
{
    /// <summary>The delimiter (a code point).</summary>
    public int Delimiter { get; } = delimiter;

    /// <summary>Reads {"type": "CharDelimiterSplit", "delimiter": char}.</summary>
    public static CharDelimiterSplitPreTokenizer FromJson(JsonElement e, string path) => new(JsonFields.Char(e, "delimiter", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "CharDelimiterSplit");
        w.WriteString("delimiter", JsonFields.CharString(Delimiter));
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) =>
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, c => c == Delimiter), SplitBehavior.Removed);
}
