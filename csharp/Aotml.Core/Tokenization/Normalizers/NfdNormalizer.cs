using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Unicode NFD, with the Unicode 9.0 tables HF's normalizer uses.</summary>
public sealed class NfdNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly NfdNormalizer Instance = new();

    /// <summary>Reads {"type": "NFD"}.</summary>
    public static NfdNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "NFD"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "NFD");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Nfd();
}
