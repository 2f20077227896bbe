using System.Text.Json;
using Aotml.Text;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Tokenization.Normalizers;

/// <summary>
/// BERT's text cleanup: drops control characters and maps whitespace to spaces, puts spaces around CJK ideographs,
/// strips accents (NFD, then without nonspacing marks) and lowercases, each on request.
/// </summary>
/// <remarks>Character classes are HF's: <c>char::is_whitespace</c> (White_Space), and the unicode_categories crate's
/// Unicode 8.0 tables for control (Cc, Cf, Co, Cs) and nonspacing marks.</remarks>
public sealed class BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase) : INormalizer
{
    /// <summary>Whether control characters go and whitespace becomes spaces.</summary>
    public bool CleanText { get; } = cleanText;

    /// <summary>Whether CJK ideographs are surrounded by spaces.</summary>
    public bool HandleChineseChars { get; } = handleChineseChars;

    /// <summary>Whether accents are stripped; null: when lowercasing.</summary>
    public bool? StripAccents { get; } = stripAccents;

    /// <summary>Whether the text is lowercased.</summary>
    public bool Lowercase { get; } = lowercase;

    /// <summary>Reads {"type": "BertNormalizer", "clean_text", "handle_chinese_chars", "strip_accents", "lowercase"}.</summary>
    public static BertNormalizer FromJson(JsonElement e, string path) =>
        new(JsonFields.Bool(e, "clean_text", path), JsonFields.Bool(e, "handle_chinese_chars", path),
            JsonFields.OptionalBool(e, "strip_accents", path), JsonFields.Bool(e, "lowercase", path));

    /// <summary>Writes the object HF writes.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        JsonFields.StartComponent(w, "BertNormalizer");
        w.WriteBoolean("clean_text", CleanText);
        w.WriteBoolean("handle_chinese_chars", HandleChineseChars);
        if (StripAccents is bool s) w.WriteBoolean("strip_accents", s);
        else w.WriteNull("strip_accents");
        w.WriteBoolean("lowercase", Lowercase);
        w.WriteEndObject();
    }

    /// <summary>BERT's whitespace: tab, newline, carriage return, or White_Space.</summary>
    public static bool IsWhitespace(int c) => c is '\t' or '\n' or '\r' || Ucd.IsWhiteSpace(c);

    /// <summary>BERT's control: Cc, Cf, Co or Cs in Unicode 8.0, except tab, newline and carriage return.</summary>
    public static bool IsControl(int c) => c is not ('\t' or '\n' or '\r') && Ucd.Category(c, Ucd.Unicode8) is
        GeneralCategory.Control or GeneralCategory.Format or GeneralCategory.PrivateUse or GeneralCategory.Surrogate;

    /// <summary>The CJK ideograph blocks BERT isolates.</summary>
    public static bool IsChineseChar(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF
        or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F
        or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <inheritdoc/>
    public void Normalize(NormalizedString text)
    {
        if (CleanText)
            text.Filter(c => !(c == 0 || c == 0xFFFD || IsControl(c))).Map(c => IsWhitespace(c) ? ' ' : c);
        if (HandleChineseChars)
        {
            var dest = new List<(int, int)>(text.Length + 8);
            bool any = false;
            foreach (var r in text.Normalized.EnumerateRunes())
            {
                if (IsChineseChar(r.Value))
                {
                    dest.Add((' ', 0));
                    dest.Add((r.Value, 1));
                    dest.Add((' ', 1));
                    any = true;
                }
                else
                {
                    dest.Add((r.Value, 0));
                }
            }
            if (any)
                text.Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dest), 0);
        }
        if (StripAccents ?? Lowercase)
            text.Nfd().Filter(c => Ucd.Category(c, Ucd.Unicode8) != GeneralCategory.NonspacingMark);
        if (Lowercase)
            text.Lowercase();
    }
}
