using System.Text;
using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization.Normalizers;
using static Aotml.Core.Tests.Tokenization.ComponentFixtures;

namespace Aotml.Core.Tests.Tokenization.Normalizers;

/// <summary>Every normalizer type against Hugging Face's: the normalized text and the original range each normalized
/// character is aligned with (Fixtures/normalizers.json).</summary>
public class NormalizerOracleTests
{
    private const string File = "normalizers.json";

    public static IEnumerable<object[]> Components() => ComponentFixtures.Components(File);

    [Theory]
    [MemberData(nameof(Components))]
    public void MatchesHuggingFace(int index, string component)
    {
        var group = Group(File, index);
        var normalizer = NormalizerFactory.Create(group.GetProperty("component"), "$.normalizer");
        var failures = new List<string>();
        foreach (var c in group.GetProperty("cases").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            var n = new NormalizedString(text);
            normalizer.Normalize(n);
            string expected = c.GetProperty("normalized").GetString()!;
            var expectedOffsets = c.GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToList();
            var actual = new List<(int, int)>();
            var bytes = n.NormalizedUtf8;
            for (int b = 0; b < bytes.Length;)
            {
                Rune.DecodeFromUtf8(bytes[b..], out _, out int len);
                var o = n.ConvertOffsets(OffsetReferential.Normalized, b, b + len)!.Value;
                actual.Add((CharIndex(text, o.Start), CharIndex(text, o.End)));
                b += len;
            }
            if (n.Normalized != expected)
                failures.Add($"\"{Show(text)}\": expected \"{Show(expected)}\", got \"{Show(n.Normalized)}\"");
            else if (!expectedOffsets.SequenceEqual(actual))
                failures.Add($"\"{Show(text)}\": offsets expected {string.Join(" ", expectedOffsets)}, got {string.Join(" ", actual)}");
        }
        Assert.True(failures.Count == 0, $"{component}\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void WritesTheJsonItReads(int index, string component)
    {
        using var doc = JsonDocument.Parse(component);
        var normalizer = NormalizerFactory.Create(doc.RootElement, "$.normalizer");
        var written = Written(w => NormalizerFactory.Write(w, normalizer));
        Assert.True(SameJson(doc.RootElement, written), $"case {index}: read {component}, wrote {written.GetRawText()}");
    }
}
