using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization;
using Aotml.Tokenization.PreTokenizers;
using static Aotml.Core.Tests.Tokenization.ComponentFixtures;

namespace Aotml.Core.Tests.Tokenization.PreTokenizers;

/// <summary>Every pre-tokenizer type (and every split behaviour) against Hugging Face's: the pieces and their
/// original ranges (Fixtures/pre_tokenizers.json).</summary>
public class PreTokenizerOracleTests
{
    private const string File = "pre_tokenizers.json";

    public static IEnumerable<object[]> Components() => ComponentFixtures.Components(File);

    [Theory]
    [MemberData(nameof(Components))]
    public void MatchesHuggingFace(int index, string component)
    {
        var group = Group(File, index);
        var pre = PreTokenizerFactory.Create(group.GetProperty("component"), "$.pre_tokenizer");
        var failures = new List<string>();
        foreach (var c in group.GetProperty("cases").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            var expected = c.GetProperty("pieces").EnumerateArray()
                .Select(p => (p[0].GetString()!, p[1][0].GetInt32(), p[1][1].GetInt32())).ToList();
            var s = new PreTokenizedString(new NormalizedString(text));
            pre.PreTokenize(s);
            var actual = s.GetSplits().Select(p => (p.Text, CharIndex(text, p.Start), CharIndex(text, p.End))).ToList();
            if (!expected.SequenceEqual(actual))
                failures.Add($"\"{Show(text)}\":\n  expected {Show(string.Join(" ", expected))}\n  got      {Show(string.Join(" ", actual))}");
        }
        Assert.True(failures.Count == 0, $"{component}\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void WritesTheJsonItReads(int index, string component)
    {
        using var doc = JsonDocument.Parse(component);
        var pre = PreTokenizerFactory.Create(doc.RootElement, "$.pre_tokenizer");
        var written = Written(w => PreTokenizerFactory.Write(w, pre));
        Assert.True(SameJson(doc.RootElement, written), $"case {index}: read {component}, wrote {written.GetRawText()}");
    }
}
