using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Maps every UTF-8 byte to its printable stand-in character (GPT-2's byte-to-unicode table).</summary>
public sealed class ByteLevelNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly ByteLevelNormalizer Instance = new();

    /// <summary>Reads {"type": "ByteLevel"}.</summary>
    public static ByteLevelNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "ByteLevel"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "ByteLevel");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => Apply(text);

    private static void Apply(NormalizedString text)
    {
        if (!text.IsEmpty)
            text.Transform(PreTokenizers.ByteLevelAlphabet.Transformations(text.NormalizedUtf8), 0);
    }
}
