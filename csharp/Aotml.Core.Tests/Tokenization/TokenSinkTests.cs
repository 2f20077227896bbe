using System.Text;
using Encoding = System.Text.Encoding;
using Aotml.Core.Tests.Tiktoken;
using Aotml.Tokenization;

namespace Aotml.Core.Tests.Tokenization;

public class TokenSinkTests
{
    private const string Text = "The quick brown 🦊 jumps over 13 lazy dogs.<|endoftext|>\r\n\tÜnïcödé — 日本語のテキスト, русский текст!  \n\n x";

    [Theory]
    [InlineData("gpt2")]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void OffsetsTileTheTextAndIdsAreUnchanged(string name)
    {
        var e = Bundled.Get(name);
        var bytes = Encoding.UTF8.GetBytes(Text + Text);   // the second copy hits the piece cache
        foreach (var policy in new[] { e.OrdinaryPolicy, e.AllAllowedPolicy })
        {
            var plain = new uint[bytes.Length];
            long n = e.Encode(bytes, plain, policy);
            var ids = new List<uint>();
            var offsets = new List<(int Start, int End)>();
            e.EncodeWithOffsets(bytes, policy, ids, offsets);
            Assert.Equal(plain[..(int)n], ids);
            Assert.Equal(n, e.Count(bytes, policy));
            int at = 0;
            for (int i = 0; i < ids.Count; i++)
            {
                Assert.Equal(at, offsets[i].Start);
                // Every tiktoken token is a byte string of the text, so its bytes are exactly its range.
                Assert.True(e.TokenBytes(ids[i]).SequenceEqual(bytes.AsSpan(offsets[i].Start, offsets[i].End - offsets[i].Start)));
                at = offsets[i].End;
            }
            Assert.Equal(bytes.Length, at);
        }
    }

    [Fact]
    public void LongPiecesCarryOffsetsToo()
    {
        var e = Bundled.Get("cl100k_base");
        var bytes = Encoding.UTF8.GetBytes("x " + new string('z', 3000) + " y");
        var ids = new List<uint>();
        var offsets = new List<(int Start, int End)>();
        e.EncodeWithOffsets(bytes, e.OrdinaryPolicy, ids, offsets);
        Assert.Equal((0, 1), offsets[0]);
        Assert.Equal(bytes.Length, offsets[^1].End);
        for (int i = 1; i < offsets.Count; i++) Assert.Equal(offsets[i - 1].End, offsets[i].Start);
    }

    [Fact]
    public unsafe void PointerSinkChecksCapacity()
    {
        var e = Bundled.Get("cl100k_base");
        uint* buf = stackalloc uint[2];
        var ex = Assert.Throws<ArgumentException>(() => e.Encode("one two three"u8, buf, 2, e.OrdinaryPolicy));
        Assert.Contains("too small", ex.Message);
    }

    [Fact]
    public void SinksSayWhetherTheyWantOffsets()
    {
        Assert.False(Wants<CountSink>());
        Assert.False(Wants<PointerSink>());
        Assert.True(Wants<OffsetSink>());
    }

    private static bool Wants<T>() where T : struct, ITokenSink => T.WantsOffsets;
}
