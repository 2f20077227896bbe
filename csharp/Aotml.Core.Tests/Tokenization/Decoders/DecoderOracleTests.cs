using System.Text.Json;
using Aotml.Tokenization.Decoders;
using static Aotml.Core.Tests.Tokenization.ComponentFixtures;

namespace Aotml.Core.Tests.Tokenization.Decoders;

/// <summary>Every decoder type against Hugging Face's (Fixtures/decoders.json).</summary>
public class DecoderOracleTests
{
    private const string File = "decoders.json";

    public static IEnumerable<object[]> Components() => ComponentFixtures.Components(File);

    [Theory]
    [MemberData(nameof(Components))]
    public void MatchesHuggingFace(int index, string component)
    {
        var group = Group(File, index);
        var decoder = DecoderFactory.Create(group.GetProperty("component"), "$.decoder");
        var failures = new List<string>();
        foreach (var c in group.GetProperty("cases").EnumerateArray())
        {
            var tokens = c.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
            string expected = c.GetProperty("text").GetString()!;
            string actual = decoder.Decode(tokens);
            if (actual != expected)
                failures.Add($"[{Show(string.Join("|", tokens))}]: expected \"{Show(expected)}\", got \"{Show(actual)}\"");
        }
        Assert.True(failures.Count == 0, $"{component}\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void WritesTheJsonItReads(int index, string component)
    {
        using var doc = JsonDocument.Parse(component);
        var decoder = DecoderFactory.Create(doc.RootElement, "$.decoder");
        var written = Written(w => DecoderFactory.Write(w, decoder));
        Assert.True(SameJson(doc.RootElement, written), $"case {index}: read {component}, wrote {written.GetRawText()}");
    }
}
