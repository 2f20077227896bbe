using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Lowercases as Rust's char::to_lowercase (unconditional full mappings).</summary>
public sealed class LowercaseNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly LowercaseNormalizer Instance = new();

    /// <summary>Reads {"type": "Lowercase"}.</summary>
    public static LowercaseNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "Lowercase"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Lowercase");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Lowercase();
}
