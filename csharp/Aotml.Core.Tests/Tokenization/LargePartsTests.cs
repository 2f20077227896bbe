using Encoding = System.Text.Encoding;
using Aotml.Tokenization;
using Aotml.Tokenization.Json;

namespace Aotml.Tests.Tokenization;

/// <summary>The raw read of a BPE's vocab and merges gives the model the general reader gives, or declines.</summary>
public class LargePartsTests
{
    private static string File(string model, string before = "") =>
        $$"""{"version":"1.0",{{before}}"truncation":null,"padding":null,"added_tokens":[],"normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null,"model":{{model}}}""";

    private static (Tokenizer Fast, Tokenizer General) Both(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(LargeParts.Find(bytes, out var large, out var rest));
        return (TokenizerJson.ReadDocument(rest, large), TokenizerJson.ReadDocument(bytes, default));
    }

    [Theory]
    // strings and pairs, escapes, white space, a token listed twice, a prefix, the model's keys in any order
    [InlineData("""{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"\"":3,"a\"":4,"\u00e9":5,"\u00e9a":6},"merges":["a b","a \"","\u00e9 a"]}""")]
    [InlineData("""{ "merges" : [ [ "a" , "b" ] ,["ab","a"] ] , "type" : "BPE" , "dropout": null, "vocab" : { "a" : 0 , "b" : 1 , "ab" : 2 , "aba" : 3, "a": 7 } }""")]
    [InlineData("""{"type":"BPE","continuing_subword_prefix":"##","vocab":{"a":0,"##b":1,"ab":2},"merges":["a ##b"]}""")]
    [InlineData("""{"type":"BPE","vocab":{},"merges":[]}""")]
    public void ReadsAsTheGeneralReaderDoes(string model)
    {
        var (fast, general) = Both(File(model));
        Assert.Equal(Encoding.UTF8.GetString(general.ToJson(false)), Encoding.UTF8.GetString(fast.ToJson(false)));
        Assert.Equal(general.Model.GetVocab().OrderBy(p => p.Key, StringComparer.Ordinal), fast.Model.GetVocab().OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"type":"BPE","vocab":{"a":1.0},"merges":[]}""")]          // not a plain integer
    [InlineData("""{"type":"BPE","vocab":{"a":01},"merges":[]}""")]
    [InlineData("""{"type":"BPE","vocab":{"a":0,},"merges":[]}""")]            // trailing comma
    [InlineData("""{"type":"BPE","vocab":{"a":0},"merges":["a  a"]}""")]       // two spaces
    [InlineData("""{"type":"BPE","vocab":{"a":0},"merges":[["a"]]}""")]
    [InlineData("""{"type":"BPE","vocab":{"\ud800":0},"merges":[]}""")]       // a lone surrogate
    [InlineData("""{"type":"WordLevel","vocab":{"a":0},"merges":[],"unk_token":"a"}""")]
    public void DeclinesWhatItDoesNotRead(string model)
    {
        var bytes = Encoding.UTF8.GetBytes(File(model));
        Assert.True(LargeParts.Find(bytes, out var large, out var rest));
        bool threw = false;
        try { TokenizerJson.ReadDocument(rest, large); }
        catch (Exception) { threw = true; }
        Assert.True(threw);
    }

    [Theory]
    [InlineData("""{"type":"BPE","vocab":{"a":0},"merges":[]}""", "\"model\":{},")]   // model listed twice
    [InlineData("""{"type":"BPE","vocab":{"a":0},"vocab":{"a":0},"merges":[]}""", "")]
    [InlineData("""{"type":"BPE","vocab":{"a":0},"merges":null}""", "")]
    [InlineData("""{"type":"BPE","vocab":{"a":0}}""", "")]
    public void FindsNothingInUnusualLayouts(string model, string before) =>
        Assert.False(LargeParts.Find(Encoding.UTF8.GetBytes(File(model, before)), out _, out _));

    [Fact]
    public void LeavesTheRestOfTheDocumentAsItWas()
    {
        var json = File("""{"type":"BPE","vocab":{"a":0,"b":1},"merges":[]}""", "\"x\":[{\"vocab\":\"}\"}],");
        Assert.True(LargeParts.Find(Encoding.UTF8.GetBytes(json), out _, out var rest));
        Assert.Equal(json.Replace("""{"a":0,"b":1}""", "{}"), Encoding.UTF8.GetString(rest));
    }
}
