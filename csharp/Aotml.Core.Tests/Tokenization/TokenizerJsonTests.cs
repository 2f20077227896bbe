using Aotml.Tokenization;

namespace Aotml.Tests.Tokenization;

/// <summary>tokenizer.json reading: every malformed file is a ConfigurationException naming the JSON path.</summary>
public class TokenizerJsonTests
{
    private const string Bpe = """{"type":"BPE","unk_token":"<unk>","vocab":{"<unk>":0,"a":1,"b":2,"ab":3},"merges":["a b"]}""";

    private static string File(string model = Bpe, string added = "[]", string rest = "") =>
        $$"""{"version":"1.0","truncation":null,"padding":null,"added_tokens":{{added}},"normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null{{rest}},"model":{{model}}}""";

    private static ConfigurationException Fails(string json) =>
        Assert.Throws<ConfigurationException>(() => Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("{\"model\": ", "$: invalid JSON")]
    [InlineData("[]", "$: expected an object")]
    [InlineData("{\"version\":\"2.0\",\"model\":{}}", "$.version")]
    [InlineData("{\"version\":\"1.0\"}", "$.model: missing")]
    public void RejectsBadDocuments(string json, string message) => Assert.Contains(message, Fails(json).Message);

    [Fact]
    public void NamesThePathOfBadModelFields()
    {
        Assert.Contains("$.model.type: unknown model type \"Nope\"", Fails(File("""{"type":"Nope","vocab":{}}""")).Message);
        Assert.Contains("$.model.vocab: missing", Fails(File("""{"type":"BPE","merges":[]}""")).Message);
        Assert.Contains("$.model.vocab[\"a\"]: expected an id", Fails(File("""{"type":"BPE","vocab":{"a":-1},"merges":[]}""")).Message);
        Assert.Contains("$.model.merges[0]: \"c\" is not in the vocabulary", Fails(File("""{"type":"BPE","vocab":{"a":0},"merges":["c a"]}""")).Message);
        Assert.Contains("$.model.merges[0]: the merged token \"aa\"", Fails(File("""{"type":"BPE","vocab":{"a":0},"merges":[["a","a"]]}""")).Message);
        Assert.Contains("$.model.merges[0]: expected", Fails(File("""{"type":"BPE","vocab":{"a":0},"merges":[1]}""")).Message);
        Assert.Contains("$.model.merges: missing", Fails(File("""{"type":"BPE","vocab":{"a":0}}""")).Message);
        Assert.Contains("$.model.fuse_unk: expected a boolean", Fails(File("""{"type":"BPE","vocab":{},"merges":[],"fuse_unk":1}""")).Message);
        Assert.Contains("$.model.unk_id: 5 is not an id", Fails(File("""{"type":"Unigram","unk_id":5,"vocab":[["a",0.0]]}""")).Message);
        Assert.Contains("$.model.vocab[0]: expected [token, score]", Fails(File("""{"type":"Unigram","vocab":[["a"]]}""")).Message);
    }

    [Fact]
    public void NamesThePathOfBadAddedTokensAndParams()
    {
        Assert.Contains("$.added_tokens[0].content: missing", Fails(File(added: """[{"id":7}]""")).Message);
        Assert.Contains("$.normalizer.type: unknown normalizer type", Fails(File().Replace("\"normalizer\":null", "\"normalizer\":{\"type\":\"Zap\"}")).Message);
        Assert.Contains("$.truncation.strategy", Fails(File().Replace("\"truncation\":null", "\"truncation\":{\"max_length\":3,\"stride\":0,\"strategy\":\"x\"}")).Message);
        Assert.Contains("$.padding.strategy", Fails(File().Replace("\"padding\":null", "\"padding\":{\"strategy\":3}")).Message);
    }

    [Fact]
    public void AcceptsWhatHfAccepts()
    {
        // Two tokens with one id: both encode to it (HF decodes it to either; here the first).
        var shared = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(File("""{"type":"WordLevel","vocab":{"a":0,"b":0},"unk_token":"a"}""")));
        Assert.Equal((0u, 0u, "a", 2), (shared.TokenToId("a")!.Value, shared.TokenToId("b")!.Value, shared.IdToToken(0)!, shared.GetVocabSize(false)));
        // A token listed twice keeps its last id; the first id then has no token.
        var twice = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(File("""{"type":"WordLevel","vocab":{"a":0,"a":1,"b":2},"unk_token":"b"}""")));
        Assert.Equal((1u, (string?)null, 2), (twice.TokenToId("a")!.Value, twice.IdToToken(0), twice.GetVocabSize(false)));
        // Added tokens' stated ids give way, as in HF: the next free ids after the vocabulary.
        var added = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(File(added: """[{"id":9,"content":"x"},{"id":9,"content":"y"},{"id":1,"content":"z"}]""")));
        Assert.Equal((4u, 5u, 6u, "a"), (added.TokenToId("x")!.Value, added.TokenToId("y")!.Value, added.TokenToId("z")!.Value, added.IdToToken(1)!));
    }

    [Fact]
    public void RoundTripsThroughToJson()
    {
        var json = File(added: """[{"id":4,"content":"<s>","single_word":false,"lstrip":true,"rstrip":false,"normalized":false,"special":true}]""")
            .Replace("\"truncation\":null", "\"truncation\":{\"direction\":\"Left\",\"max_length\":7,\"strategy\":\"OnlyFirst\",\"stride\":1}")
            .Replace("\"padding\":null", "\"padding\":{\"strategy\":{\"Fixed\":9},\"direction\":\"Right\",\"pad_to_multiple_of\":null,\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"<unk>\"}");
        var t = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Equal(new TruncationParams(7, 1, TruncationStrategy.OnlyFirst, Direction.Left), t.DefaultTruncation);
        Assert.Equal(9, t.DefaultPadding!.Length);
        var again = Tokenizer.FromJson(t.ToJson(pretty: true));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(t.ToJson(false)), System.Text.Encoding.UTF8.GetString(again.ToJson(false)));
        Assert.Contains("\"merges\":[[\"a\",\"b\"]]", System.Text.Encoding.UTF8.GetString(t.ToJson(false)));
        Assert.Equal(4u, t.TokenToId("<s>"));
    }

    [Fact]
    public void StrideThatLeavesNoRoomIsACleanError()
    {
        var t = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(File()));
        var opts = new EncodeOptions { Truncation = new TruncationParams(2, 2) };
        Assert.Throws<ArgumentException>(() => t.Encode("ab ab ab ab"u8, default, false, opts));
        Assert.Throws<ArgumentException>(() => t.ValidateTruncation(new TruncationParams(2, 3)));
    }

    [Fact]
    public void DecodesSkippingSpecialTokens()
    {
        var t = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(File(added: """[{"id":4,"content":"<s>","normalized":false,"special":true}]""")));
        var e = t.Encode("<s>abab"u8, default, false, new EncodeOptions());
        Assert.Equal([4u, 3u, 3u], e.Ids);
        Assert.Equal("<s> ab ab", t.Decode(e.Ids.ToArray(), false));
        Assert.Equal("ab ab", t.Decode(e.Ids.ToArray(), true));
    }
}
