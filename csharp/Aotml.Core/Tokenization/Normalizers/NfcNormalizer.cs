using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Unicode NFC, with the Unicode 9.0 tables HF's normalizer uses.</summary>
public sealed class NfcNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly NfcNormalizer Instance = new();

    /// <summary>Reads {"type": "NFC"}.</summary>
    public static NfcNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "NFC"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "NFC");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Nfc();
}
