using System.Text;
using Aotml.Text;

namespace Aotml.Core.Tests.Text;

public class CharClassTests
{
    [Theory]
    [InlineData('a', CharClass.Letter | CharClass.Lower)]
    [InlineData('Z', CharClass.Letter | CharClass.Upper)]
    [InlineData(0x01C5, CharClass.Letter | CharClass.Upper)]                     // ǅ, titlecase
    [InlineData(0x4E2D, CharClass.Letter | CharClass.Upper | CharClass.Lower)]   // 中, Lo is in both o200k classes
    [InlineData(0x0301, CharClass.Upper | CharClass.Lower)]                      // combining acute: a mark
    [InlineData('7', CharClass.Number)]
    [InlineData(0x2167, CharClass.Number)]                                       // Ⅷ, a letter number
    [InlineData(' ', CharClass.Space)]
    [InlineData('\n', CharClass.Space | CharClass.Newline)]
    [InlineData(0x0085, CharClass.Space)]                                        // NEL is White_Space
    [InlineData(0x200B, 0)]                                                      // zero width space is not
    [InlineData('!', 0)]
    [InlineData(0x1D400, CharClass.Letter | CharClass.Upper)]                    // 𝐀, astral
    public void Classes(int cp, int flags)
    {
        Assert.Equal(flags, CharClass.Of(cp));
        var bytes = Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp));
        Assert.Equal(flags, CharClass.At(bytes, 0, out int len));
        Assert.Equal(bytes.Length, len);
    }

    [Fact]
    public void InvalidBytesHaveNoClass()
    {
        Assert.Equal(0, CharClass.At(new byte[] { 0xFF, (byte)'a' }, 0, out int len));
        Assert.Equal(1, len);
    }
}
