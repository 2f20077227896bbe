using System.Text.Json;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization.PreTokenizers;

/// <summary>Splits into runs of word characters and runs of other non-space characters (<c>\w+|[^\w\s]+</c>, the
/// Rust regex crate's Unicode classes), dropping whitespace.</summary>
public sealed class WhitespacePreTokenizer : IPreTokenizer
{
    /// <summary>The one instance.</summary>
    public static readonly WhitespacePreTokenizer Instance = new();

    /// <summary>Reads {"type": "Whitespace"}.</summary>
    public static WhitespacePreTokenizer FromJson(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        return Instance;
    }

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "Whitespace");
        w.WriteEndObject();
    }

    /// <summary>The regex crate's <c>\w</c>: Alphabetic, marks, decimal digits, connector punctuation, join controls.</summary>
    public static bool IsWordChar(int c) => Ucd.IsAlphabetic(c) || c is 0x200C or 0x200D || Ucd.Category(c) is
        GeneralCategory.NonspacingMark or GeneralCategory.SpacingMark or GeneralCategory.EnclosingMark
        or GeneralCategory.DecimalNumber or GeneralCategory.ConnectorPunctuation;

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedString text) => text.Split(piece =>
    {
        var bytes = piece.NormalizedUtf8;
        var found = new List<(int, int)>();
        int i = 0;
        while (i < bytes.Length)
        {
            int c = Text.Utf8.Decode(bytes, i, out int len);
            if (Ucd.IsWhiteSpace(c) && !IsWordChar(c))
            {
                i += len;
                continue;
            }
            bool word = IsWordChar(c);
            int start = i;
            i += len;
            while (i < bytes.Length)
            {
                int d = Text.Utf8.Decode(bytes, i, out int l);
                bool w = IsWordChar(d);
                if (w != word || (!w && Ucd.IsWhiteSpace(d))) break;
                i += l;
            }
            found.Add((start, i));
        }
        return Splitting.Invert(Splitting.FromRanges(bytes.Length, found));
    }, SplitBehavior.Removed);
}
