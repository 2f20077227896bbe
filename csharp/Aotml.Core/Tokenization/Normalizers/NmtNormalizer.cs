using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>SentencePiece's NMT cleanup: drops ASCII control characters, maps other blanks to a space.</summary>
public sealed class NmtNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly NmtNormalizer Instance = new();

    /// <summary>Reads {"type": "Nmt"}.</summary>
    public static NmtNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "Nmt"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Nmt");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => Apply(text);

    private static void Apply(NormalizedString text) =>
        text.Filter(c => c is not (>= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or 0x8F or 0x9F))
            .Map(c => c is 0x09 or 0x0A or 0x0C or 0x0D or 0x1680 or >= 0x200B and <= 0x200F or 0x2028 or 0x2029
                or 0x2581 or 0xFEFF or 0xFFFD ? ' ' : c);
}
