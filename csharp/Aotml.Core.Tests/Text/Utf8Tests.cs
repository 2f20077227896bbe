using Aotml.Text;

namespace Aotml.Core.Tests.Text;

public class Utf8Tests
{
    [Theory]
    [InlineData(new byte[] { 0x41 }, 0x41, 1)]
    [InlineData(new byte[] { 0xC3, 0xA9 }, 0xE9, 2)]
    [InlineData(new byte[] { 0xE6, 0x97, 0xA5 }, 0x65E5, 3)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0xA6, 0x8A }, 0x1F98A, 4)]
    [InlineData(new byte[] { 0xC0, 0x80 }, -1, 1)]              // overlong NUL
    [InlineData(new byte[] { 0xE0, 0x80, 0x80 }, -1, 1)]        // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, -1, 1)]        // a surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, -1, 1)]  // above U+10FFFF
    [InlineData(new byte[] { 0xE6, 0x97 }, -1, 1)]              // truncated
    [InlineData(new byte[] { 0x97 }, -1, 1)]                    // a lone continuation byte
    public void Decode(byte[] bytes, int cp, int len)
    {
        Assert.Equal(cp, Utf8.Decode(bytes, 0, out int n));
        Assert.Equal(len, n);
    }

    [Fact]
    public void EncodeAgreesWithTheFramework()
    {
        Span<byte> buf = stackalloc byte[4];
        foreach (int cp in new[] { 0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF })
        {
            int n = Utf8.Encode(cp, buf);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp)), buf[..n].ToArray());
            Assert.Equal(n, Utf8.EncodedLength(cp));
            Assert.Equal(cp, Utf8.Decode(buf[..n], 0, out int len));
            Assert.Equal(n, len);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Utf8.Encode(0xD800, new byte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Utf8.Encode(0x110000, new byte[4]));
    }

    [Fact]
    public unsafe void NativeCopiesAreNulTerminated()
    {
        byte* p = NativeUtf8.Alloc("né", out int length);
        try
        {
            Assert.Equal(3, length);
            Assert.Equal(new byte[] { (byte)'n', 0xC3, 0xA9, 0 }, new ReadOnlySpan<byte>(p, 4).ToArray());
        }
        finally { System.Runtime.InteropServices.NativeMemory.Free(p); }
    }
}
