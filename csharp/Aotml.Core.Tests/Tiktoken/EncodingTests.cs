using System.Text;
using Encoding = System.Text.Encoding;
using Aotml.Tiktoken;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Core.Tests.Tiktoken;

public class EncodingTests
{
    // Reference ids from tiktoken's own documentation and test suite.
    [Theory]
    [InlineData("gpt2", "hello world", new uint[] { 31373, 995 })]
    [InlineData("r50k_base", "hello world", new uint[] { 31373, 995 })]
    [InlineData("cl100k_base", "hello world", new uint[] { 15339, 1917 })]
    [InlineData("o200k_base", "hello world", new uint[] { 24912, 2375 })]
    [InlineData("cl100k_base", "Don't ſtop", new uint[] { 8161, 956, 27006, 123, 3565 })]
    [InlineData("cl100k_base", "", new uint[0])]
    [InlineData("cl100k_base", "👍", new uint[] { 9468, 239, 235 })]
    public void KnownIds(string enc, string text, uint[] expected)
        => Assert.Equal(expected, Bundled.Get(enc).Encode(text));

    [Fact]
    public void SpecialTokenPolicies()
    {
        var e = Bundled.Get("cl100k_base");
        // Ordinary: the special token is plain text.
        Assert.Equal(new uint[] { 27, 91, 8862, 728, 428, 91, 29 }, e.Encode("<|endoftext|>"));
        Assert.Equal(new uint[] { 100257, 865 }, e.Encode("<|endoftext|> x", e.AllAllowedPolicy));
        var ex = Assert.Throws<EncodeException>(() => e.Encode("a <|endoftext|>", e.DefaultPolicy));
        Assert.StartsWith("Encountered text corresponding to disallowed special token '<|endoftext|>'.\n", ex.Message);
        // Only <|fim_prefix|> allowed, nothing disallowed: endoftext stays text.
        var p = SpecialPolicy.Create(e.Specials, false, new uint[] { 100258 }, false, default);
        var ids = e.Encode("<|fim_prefix|><|endoftext|>", p);
        Assert.Equal(100258u, ids[0]);
        Assert.DoesNotContain(100257u, ids);
        Assert.Throws<ArgumentException>(() => SpecialPolicy.Create(e.Specials, false, new uint[] { 5 }, false, default));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("p50k_edit")]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void RoundTripsAndCounts(string enc)
    {
        var e = Bundled.Get(enc);
        string text = "The quick brown 🦊 jumps over 13 lazy dogs.\r\n\tÜnïcödé — 日本語のテキスト, русский текст!  \n\n  x = f(y) // ok\n";
        var ids = e.Encode(text);
        Assert.Equal(text, e.Decode(ids));
        Assert.Equal(ids.Length, e.Count(Encoding.UTF8.GetBytes(text), e.OrdinaryPolicy));
    }

    [Fact]
    public void DecodeRejectsUnknownIds()
    {
        var e = Bundled.Get("cl100k_base");
        var ex = Assert.Throws<KeyNotFoundException>(() => e.DecodedLength(new uint[] { 1, 100261 }));
        Assert.Contains("100261", ex.Message);
        Assert.Equal("<|endoftext|>", Encoding.UTF8.GetString(e.TokenBytes(100257)));
    }

    [Fact]
    public void SingleTokens()
    {
        var e = Bundled.Get("gpt2");
        Assert.Equal(31373u, e.EncodeSingleToken("hello"u8));
        Assert.Equal(50256u, e.EncodeSingleToken("<|endoftext|>"u8));
        Assert.Throws<KeyNotFoundException>(() => e.EncodeSingleToken("hello world"u8));
    }

    [Fact]
    public void LongPieceUsesHeapAndMatchesSmallPath()
    {
        // The same piece merged by both paths must give the same tokens.
        var e = Bundled.Get("cl100k_base");
        var rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rnd.Next(2, BpeMerge.SmallLimit + 1);
            var piece = new byte[n];
            // ASCII and the UTF-8 of CJK and Cyrillic characters, so multi-byte tokens merge too.
            var alphabet = Encoding.UTF8.GetBytes("abcdefghijklmnopqrstuvwxyzABC0123 日本語のテキスト中文русский");
            for (int i = 0; i < n; i++) piece[i] = alphabet[rnd.Next(alphabet.Length)];
            var small = new uint[n];
            var large = new uint[n];
            long a = Merge(e, piece, small, false), b = Merge(e, piece, large, true);
            Assert.Equal(small[..(int)a], large[..(int)b]);
        }
    }

    private static unsafe long Merge(TiktokenEncoding e, byte[] piece, uint[] dest, bool large)
    {
        fixed (uint* p = dest)
        {
            var sink = new PointerSink(p, dest.Length);
            var byteRanks = new uint[256];
            for (int b = 0; b < 256; b++) byteRanks[b] = e.Ranks.Get(new[] { (byte)b });
            var table = new RankMergeTable(e.Ranks, byteRanks, new LookupCache());
            if (large) BpeMerge.EncodeLarge(table, piece, 0, ref sink);
            else BpeMerge.EncodeSmall(table, piece, 0, ref sink);
            return sink.Count;
        }
    }

    [Fact]
    public void PathologicalPieceIsNotQuadratic()
    {
        var e = Bundled.Get("o200k_base");
        var text = new string('a', 200_000);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var ids = e.Encode(text);
        Assert.Equal(text, e.Decode(ids));
        // No timing assertion (benchmarks live in bench/); the decode round trip is the check.
    }

    [Fact]
    public void ExplicitNVocabIsChecked()
    {
        var r = new RankFiles.Ranks(new byte[] { (byte)'a', (byte)'b' }, new[] { 0, 1, 2 }, new uint[] { 0, 1 });
        var ok = new TiktokenEncoding("t", "\\w+", r, new[] { ("<s>", 2u) }, 3);
        Assert.Equal(2u, ok.MaxTokenValue);
        Assert.Throws<ConfigurationException>(() => new TiktokenEncoding("t", "\\w+", r, new[] { ("<s>", 2u) }, 4));
        Assert.Throws<ConfigurationException>(() => new TiktokenEncoding("t", "\\w+", r, new[] { ("<s>", 1u) }));
    }
}
