using System.Text.Json;
using Aotml.Tokenization;
using Aotml.Tokenization.PostProcessors;
using static Aotml.Core.Tests.Tokenization.ComponentFixtures;

namespace Aotml.Core.Tests.Tokenization.PostProcessors;

/// <summary>Every post-processor type against Hugging Face's: the sequences as HF encodes them without
/// post-processing go in, and every column of HF's processed encoding must come out (Fixtures/post_processors.json).</summary>
public class PostProcessorOracleTests
{
    private const string File = "post_processors.json";

    public static IEnumerable<object[]> Components() => ComponentFixtures.Components(File);

    private static Encoding Build(JsonElement e, uint typeId)
    {
        var enc = new Encoding();
        var ids = e.GetProperty("ids").EnumerateArray().ToList();
        for (int i = 0; i < ids.Count; i++)
        {
            var o = e.GetProperty("offsets")[i];
            enc.Add(ids[i].GetUInt32(), e.GetProperty("tokens")[i].GetString()!, (o[0].GetInt32(), o[1].GetInt32()),
                e.GetProperty("word_ids")[i].GetInt32(), typeId);
        }
        return enc;
    }

    private static string Columns(Encoding e) => string.Join("\n", [
        "ids " + string.Join(",", e.Ids), "type_ids " + string.Join(",", e.TypeIds), "tokens " + string.Join(",", e.Tokens),
        "offsets " + string.Join(",", e.Offsets), "special " + string.Join(",", e.SpecialTokensMask),
        "attention " + string.Join(",", e.AttentionMask), "words " + string.Join(",", e.WordIds),
        "sequences " + string.Join(",", e.GetSequenceIds())]);

    private static string Columns(JsonElement e)
    {
        static string Join(JsonElement a, Func<JsonElement, string> f) => string.Join(",", a.EnumerateArray().Select(f));
        static string Int(JsonElement v) => v.ValueKind == JsonValueKind.Null ? "-1" : v.GetInt64().ToString();
        return string.Join("\n", [
            "ids " + Join(e.GetProperty("ids"), Int), "type_ids " + Join(e.GetProperty("type_ids"), Int),
            "tokens " + Join(e.GetProperty("tokens"), t => t.GetString()!),
            "offsets " + Join(e.GetProperty("offsets"), o => $"({o[0].GetInt32()}, {o[1].GetInt32()})"),
            "special " + Join(e.GetProperty("special_tokens_mask"), Int), "attention " + Join(e.GetProperty("attention_mask"), Int),
            "words " + Join(e.GetProperty("word_ids"), Int), "sequences " + Join(e.GetProperty("sequence_ids"), Int)]);
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void MatchesHuggingFace(int index, string component)
    {
        var group = Group(File, index);
        var processor = PostProcessorFactory.Create(group.GetProperty("component"), "$.post_processor");
        var failures = new List<string>();
        foreach (var c in group.GetProperty("cases").EnumerateArray())
        {
            var a = Build(c.GetProperty("a"), 0);
            var b = c.GetProperty("b").ValueKind == JsonValueKind.Null ? null : Build(c.GetProperty("b"), 1);
            bool add = c.GetProperty("add_special_tokens").GetBoolean();
            if (add)
                Assert.Equal(c.GetProperty("expected").GetProperty("ids").GetArrayLength() - a.Length - (b?.Length ?? 0),
                    processor.AddedTokens(b is not null));
            string expected = Columns(c.GetProperty("expected"));
            string actual = Columns(processor.Process(a, b, add));
            if (expected != actual)
                failures.Add($"{c.GetProperty("text")} / {c.GetProperty("pair")} add={add}:\nexpected\n{expected}\ngot\n{actual}");
        }
        Assert.True(failures.Count == 0, $"{component}\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void WritesTheJsonItReads(int index, string component)
    {
        using var doc = JsonDocument.Parse(component);
        var processor = PostProcessorFactory.Create(doc.RootElement, "$.post_processor");
        var written = Written(w => PostProcessorFactory.Write(w, processor));
        Assert.True(SameJson(doc.RootElement, written), $"case {index}: read {component}, wrote {written.GetRawText()}");
    }
}
