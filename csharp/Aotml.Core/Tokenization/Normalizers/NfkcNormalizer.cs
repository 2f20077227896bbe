using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Unicode NFKC, with the Unicode 9.0 tables HF's normalizer uses.</summary>
public sealed class NfkcNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly NfkcNormalizer Instance = new();

    /// <summary>Reads {"type": "NFKC"}.</summary>
    public static NfkcNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "NFKC"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "NFKC");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Nfkc();
}
