using System.Text.Json;
using Aotml.Text;
using Aotml.Tokenization.Decoders;
using Aotml.Tokenization.Normalizers;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Core.Tests.Tokenization.Normalizers;

/// <summary>Malformed component JSON is a ConfigurationException naming the JSON path of the culprit.</summary>
public class NormalizerConfigTests
{
    private static ConfigurationException Fails(Func<JsonElement, string, object> create, string json, string root)
    {
        using var doc = JsonDocument.Parse(json);
        return Assert.Throws<ConfigurationException>(() => create(doc.RootElement, root));
    }

    [Theory]
    [InlineData("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"lowercase":"yes"}""", "$.normalizer.lowercase")]
    [InlineData("""{"type":"Strip","strip_left":true}""", "$.normalizer.strip_right")]
    [InlineData("""{"type":"Replace","pattern":{"Regex":"(unclosed"},"content":""}""", "$.normalizer.pattern.Regex")]
    [InlineData("""{"type":"Replace","pattern":{"Other":"x"},"content":""}""", "$.normalizer.pattern")]
    [InlineData("""{"type":"Precompiled","precompiled_charsmap":"not base64!"}""", "$.normalizer.precompiled_charsmap")]
    [InlineData("""{"type":"Precompiled","precompiled_charsmap":"AAAA"}""", "$.normalizer.precompiled_charsmap")]
    [InlineData("""{"type":"Precompiled","precompiled_charsmap":"/////wAA"}""", "$.normalizer.precompiled_charsmap")]
    [InlineData("""{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Bogus"}]}""", "$.normalizer.normalizers[1].type")]
    [InlineData("""{"type":"Sequence"}""", "$.normalizer.normalizers")]
    [InlineData("""[1]""", "$.normalizer")]
    public void Normalizers(string json, string path) =>
        Assert.StartsWith(path, Fails(NormalizerFactory.Create, json, "$.normalizer").Message);

    [Theory]
    [InlineData("""{"type":"Metaspace","replacement":"ab","prepend_scheme":"always","split":true}""", "$.pre_tokenizer.replacement")]
    [InlineData("""{"type":"Metaspace","replacement":"_","prepend_scheme":"sometimes","split":true}""", "$.pre_tokenizer.prepend_scheme")]
    [InlineData("""{"type":"Metaspace","replacement":"_","prepend_scheme":"always","add_prefix_space":false}""", "$.pre_tokenizer.add_prefix_space")]
    [InlineData("""{"type":"Split","pattern":{"String":"x"},"behavior":"Sideways","invert":false}""", "$.pre_tokenizer.behavior")]
    [InlineData("""{"type":"FixedLength","length":0}""", "$.pre_tokenizer.length")]
    [InlineData("""{"type":"Sequence","pretokenizers":[{"type":"Digits"}]}""", "$.pre_tokenizer.pretokenizers[0].individual_digits")]
    public void PreTokenizers(string json, string path) =>
        Assert.StartsWith(path, Fails(PreTokenizerFactory.Create, json, "$.pre_tokenizer").Message);

    [Theory]
    [InlineData("""{"type":"Strip","content":"_","start":-1,"stop":0}""", "$.decoder.start")]
    [InlineData("""{"type":"WordPiece","prefix":"##"}""", "$.decoder.cleanup")]
    [InlineData("""{"type":"Sequence","decoders":[{"type":"CTC"}]}""", "$.decoder.decoders[0].pad_token")]
    public void Decoders(string json, string path) =>
        Assert.StartsWith(path, Fails(DecoderFactory.Create, json, "$.decoder").Message);

    [Fact]
    public void PrecompiledWithAMalformedTrieNeverReadsOutOfBounds()
    {
        // A trie of one unit whose offset points far outside the array: every lookup simply finds no rule.
        var charsmap = new byte[] { 4, 0, 0, 0, 0x00, 0xFC, 0xFF, 0x7F, (byte)'a', 0 };
        var n = new PrecompiledNormalizer(charsmap, "$");
        var s = new NormalizedString("abc é");
        n.Normalize(s);
        Assert.Equal("abc é", s.Normalized);
    }

    [Fact]
    public void UnknownPropertiesAreReportedWithThePath()
    {
        // Script properties (\p{Han}) are translated; a name neither engine knows fails the load with the path.
        var e = Fails(NormalizerFactory.Create, """{"type":"Replace","pattern":{"Regex":"\\p{NoSuchScript}"},"content":""}""", "$.normalizer");
        Assert.StartsWith("$.normalizer.pattern.Regex", e.Message);
        var s = new Aotml.Text.NormalizedString("漢字かな");
        NormalizerFactory.Create("Replace", System.Text.Json.JsonDocument.Parse("""{"type":"Replace","pattern":{"Regex":"\\p{Han}"},"content":"_"}""").RootElement, "$.normalizer").Normalize(s);
        Assert.Equal("__かな", s.Normalized);
    }
}
