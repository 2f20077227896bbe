using System.Text.Json;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits at punctuation characters (BERT's definition), keeping them as the behaviour says.</summary>
public sealed class PunctuationPreTokenizer(SplitBehavior behavior = SplitBehavior.Isolated) : IPreTokenizer
{
    /// <summary>What happens to the punctuation.</summary>
    public SplitBehavior Behavior { get; } = behavior;

    /// <summary>Reads {"type": "Punctuation", "behavior": ...} (behavior defaults to Isolated).</summary>
    public static PunctuationPreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return new(Splitting.Parse(e, "behavior", path, SplitBehavior.Isolated));
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Punctuation");
        w.WriteString("behavior", Splitting.Name(Behavior));
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) =>
        text.Split(p => Splitting.ByChar(p.NormalizedUtf8, BertPreTokenizer.IsPunctuation), Behavior);
}
