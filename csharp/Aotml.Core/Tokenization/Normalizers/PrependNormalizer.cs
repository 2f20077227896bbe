using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Prepends a string to non-empty text (SentencePiece's leading "▁").</summary>
public sealed class PrependNormalizer(string prepend) : INormalizer
{
    /// <summary>The prepended text.</summary>
    public string Prepend { get; } = prepend;

    /// <summary>Reads {"type": "Prepend", "prepend": string}.</summary>
    public static PrependNormalizer FromJson(JsonElement e, string path) => new(JsonFields.String(e, "prepend", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Prepend");
        w.WriteString("prepend", Prepend);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        if (!text.IsEmpty) text.Prepend(Prepend);
    }
}
