using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Unicode NFKD, with the Unicode 9.0 tables HF's normalizer uses.</summary>
public sealed class NfkdNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly NfkdNormalizer Instance = new();

    /// <summary>Reads {"type": "NFKD"}.</summary>
    public static NfkdNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "NFKD"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "NFKD");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Nfkd();
}
