using System.Text.Json;
using Aotml.Text;

namespace Aotml.Tokenization.Normalizers;

/// <summary>Removes combining marks (any M* category in Unicode 9.0, as unicode-normalization-alignments' is_combining_mark).</summary>
public sealed class StripAccentsNormalizer : INormalizer
{
    /// <summary>The one instance (it has no settings).</summary>
    public static readonly StripAccentsNormalizer Instance = new();

    /// <summary>Reads {"type": "StripAccents"}.</summary>
    public static StripAccentsNormalizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes {"type": "StripAccents"}.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "StripAccents");
        w.WriteEndObject();
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedString text) => text.Filter(c => !IsCombiningMark(c));

    internal static bool IsCombiningMark(int c) =>
        Text.Normalization.Ucd.Category(c, Text.Normalization.Ucd.Unicode9) is Text.Generated.GeneralCategory.NonspacingMark
            or Text.Generated.GeneralCategory.SpacingMark or Text.Generated.GeneralCategory.EnclosingMark;
}
