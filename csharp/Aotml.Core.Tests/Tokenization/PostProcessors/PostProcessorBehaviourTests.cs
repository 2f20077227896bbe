using System.Text.Json;
using Aotml.Tokenization;
using Aotml.Tokenization.PostProcessors;

namespace Aotml.Core.Tests.Tokenization.PostProcessors;

/// <summary>What the oracle fixtures cannot show directly: overflowing parts, ids-only encodings, bad templates.</summary>
public class PostProcessorBehaviourTests
{
    private static Encoding Words(params string[] words)
    {
        var e = new Encoding();
        int at = 0;
        for (int i = 0; i < words.Length; i++)
        {
            e.Add((uint)(10 + i), words[i], (at, at + words[i].Length), i);
            at += words[i].Length + 1;
        }
        return e;
    }

    [Fact]
    public void BertWrapsEveryOverflowingPart()
    {
        var a = Words("a", "b");
        a.Overflowing.Add(Words("c"));
        var p = new BertProcessing(("[SEP]", 102), ("[CLS]", 101));
        var result = p.ProcessEncodings([a], addSpecialTokens: true);
        Assert.Equal([101u, 10, 11, 102], result[0].Ids);
        Assert.Equal([101u, 10, 102], Assert.Single(result[0].Overflowing).Ids);
        Assert.Equal([1, 0, 1], result[0].Overflowing[0].SpecialTokensMask.Select(b => (int)b));
    }

    [Fact]
    public void RobertaTrimsOverflowingOffsets()
    {
        var a = new Encoding();
        a.Add(5, "Ġab", (0, 3), 0);
        var o = new Encoding();
        o.Add(6, "Ġcd", (3, 7), 1);
        o.Add(7, "Ġef", (7, 10), 2);
        a.Overflowing.Add(o);
        var p = new RobertaProcessing(("</s>", 2), ("<s>", 0));
        var result = p.ProcessEncodings([a], addSpecialTokens: true);
        Assert.Equal((0, 3), result[0].Offsets[1]);          // the first token keeps the prefix space it was given
        // HF treats the first token of each part as "first" too: its single leading space stays.
        Assert.Equal((3, 7), result[0].Overflowing[0].Offsets[1]);
        Assert.Equal((8, 10), result[0].Overflowing[0].Offsets[2]);
    }

    [Fact]
    public void TemplateCountsMultiTokenSpecials()
    {
        using var doc = JsonDocument.Parse("""
            {"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"x","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
             "pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"x","type_id":1}}],
             "special_tokens":{"x":{"id":"x","ids":[1,2,3],"tokens":["a","b","c"]}}}
            """);
        var p = TemplateProcessing.FromJson(doc.RootElement, "$.post_processor");
        Assert.Equal(3, p.AddedTokens(false));
        Assert.Equal(3, p.AddedTokens(true));
    }

    [Theory]
    [InlineData("""{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}}],"pair":[],"special_tokens":{}}""", "$.post_processor.single")]
    [InlineData("""{"type":"TemplateProcessing","single":[{"Sequence":{"id":"C","type_id":0}}],"pair":[],"special_tokens":{}}""", "$.post_processor.single[0].Sequence.id")]
    [InlineData("""{"type":"TemplateProcessing","single":[],"pair":[],"special_tokens":{"x":{"id":"x","ids":[1],"tokens":[]}}}""", "$.post_processor.special_tokens[\"x\"].ids")]
    [InlineData("""{"type":"BertProcessing","sep":["[SEP]"],"cls":["[CLS]",101]}""", "$.post_processor.sep")]
    [InlineData("""{"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",0],"trim_offsets":true}""", "$.post_processor.add_prefix_space")]
    [InlineData("""{"type":"Nope"}""", "$.post_processor.type")]
    public void BadConfigurationNamesThePath(string json, string path)
    {
        using var doc = JsonDocument.Parse(json);
        var e = Assert.Throws<ConfigurationException>(() => PostProcessorFactory.Create(doc.RootElement, "$.post_processor"));
        Assert.StartsWith(path, e.Message);
    }
}
