using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Removes White_Space characters from the left and/or right end.</summary>
public sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    /// <summary>Whether leading whitespace goes.</summary>
    public bool Left { get; } = left;

    /// <summary>Whether trailing whitespace goes.</summary>
    public bool Right { get; } = right;

    /// <summary>Reads {"type": "Strip", "strip_left": bool, "strip_right": bool}.</summary>
    public static StripNormalizer FromJson(JsonElement e, string path) =>
        new(JsonFields.Bool(e, "strip_left", path), JsonFields.Bool(e, "strip_right", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Strip");
        w.WriteBoolean("strip_left", Left);
        w.WriteBoolean("strip_right", Right);
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        if (Left && Right) text.Strip();
        else if (Left) text.LStrip();
        else if (Right) text.RStrip();
    }
}
