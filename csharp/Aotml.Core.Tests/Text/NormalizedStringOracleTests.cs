using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Aotml.Text;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Core.Tests.Text;

/// <summary>NormalizedString against Hugging Face's own tokenizers: Fixtures/alignments.json holds, for a normalizer
/// and a text, the normalized text and the original (code point) range of every normalized character, as the npm
/// addon reports them (see Fixtures/make_alignment_fixtures.js).</summary>
public class NormalizedStringOracleTests
{
    private static string FixtureDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Fixtures");

    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixtureDir(), "alignments.json")));
        int i = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
            yield return new object[] { i++, c.GetRawText() };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesHuggingFace(int index, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var c = doc.RootElement;
        string text = c.GetProperty("text").GetString()!;
        var n = new NormalizedString(text);
        Apply(c.GetProperty("normalizer"), n);
        Assert.Equal(c.GetProperty("normalized").GetString(), n.Normalized);

        var expected = c.GetProperty("offsets").EnumerateArray()
            .Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToArray();
        var actual = new List<(int, int)>();
        var bytes = n.NormalizedUtf8;
        for (int b = 0; b < bytes.Length;)
        {
            Rune.DecodeFromUtf8(bytes[b..], out _, out int len);
            var o = n.ConvertOffsets(OffsetReferential.Normalized, b, b + len)!.Value;
            actual.Add((CharIndex(text, o.Start), CharIndex(text, o.End)));
            b += len;
        }
        Assert.True(expected.SequenceEqual(actual),
            $"case {index}: expected {string.Join(" ", expected)}, got {string.Join(" ", actual)}");
    }

    private static int CharIndex(string text, int utf8Offset)
    {
        int bytes = 0, chars = 0;
        foreach (var r in text.EnumerateRunes())
        {
            if (bytes >= utf8Offset)
                break;
            bytes += r.Utf8SequenceLength;
            chars++;
        }
        return chars;
    }

    /// <summary>The normalizers of the fixtures, written with the NormalizedString primitives the way HF's
    /// normalizers use them.</summary>
    private static void Apply(JsonElement spec, NormalizedString n)
    {
        switch (spec.GetProperty("type").GetString())
        {
            case "NFC": n.Nfc(); break;
            case "NFD": n.Nfd(); break;
            case "NFKC": n.Nfkc(); break;
            case "NFKD": n.Nfkd(); break;
            case "Lowercase": n.Lowercase(); break;
            case "StripAccents":
                // unicode-normalization-alignments' is_combining_mark: any M* in its Unicode 9.0 tables.
                n.Filter(cp => Ucd.Category(cp, Ucd.Unicode9) is not (GeneralCategory.NonspacingMark or
                    GeneralCategory.SpacingMark or GeneralCategory.EnclosingMark));
                break;
            case "Strip":
                bool l = spec.GetProperty("strip_left").GetBoolean(), r = spec.GetProperty("strip_right").GetBoolean();
                if (l && r) n.Strip(); else if (l) n.LStrip(); else if (r) n.RStrip();
                break;
            case "Replace":
                n.Replace(spec.GetProperty("pattern").GetProperty("String").GetString()!, spec.GetProperty("content").GetString()!);
                break;
            case "Prepend": n.Prepend(spec.GetProperty("prepend").GetString()!); break;
            case "Sequence":
                foreach (var s in spec.GetProperty("normalizers").EnumerateArray())
                    Apply(s, n);
                break;
            case "BertNormalizer": Bert(spec, n); break;
            default: throw new InvalidOperationException(spec.ToString());
        }
    }

    private static void Bert(JsonElement spec, NormalizedString n)
    {
        static bool IsWhitespace(int c) => c is '\t' or '\n' or '\r' || Ucd.IsWhiteSpace(c);
        // unicode_categories' is_other (Unicode 8.0), which in practice never reports unassigned code points.
        static bool IsControl(int c) => c is not ('\t' or '\n' or '\r') && Ucd.Category(c, Ucd.Unicode8) is
            GeneralCategory.Control or GeneralCategory.Format or GeneralCategory.PrivateUse or GeneralCategory.Surrogate;
        static bool IsChinese(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF
            or >= 0x2F800 and <= 0x2FA1F;
        bool lowercase = spec.GetProperty("lowercase").GetBoolean();
        if (spec.GetProperty("clean_text").GetBoolean())
            n.Filter(c => !(c == 0 || c == 0xFFFD || IsControl(c))).Map(c => IsWhitespace(c) ? ' ' : c);
        if (spec.GetProperty("handle_chinese_chars").GetBoolean())
        {
            var dest = new List<(int, int)>();
            foreach (var r in n.Normalized.EnumerateRunes())
            {
                if (IsChinese(r.Value))
                    dest.AddRange(new[] { ((int)' ', 0), (r.Value, 1), (' ', 1) });
                else
                    dest.Add((r.Value, 0));
            }
            n.Transform(dest, 0);
        }
        var strip = spec.GetProperty("strip_accents");
        if (strip.ValueKind == JsonValueKind.Null ? lowercase : strip.GetBoolean())
            n.Nfd().Filter(c => Ucd.Category(c, Ucd.Unicode8) != GeneralCategory.NonspacingMark);
        if (lowercase)
            n.Lowercase();
    }
}
