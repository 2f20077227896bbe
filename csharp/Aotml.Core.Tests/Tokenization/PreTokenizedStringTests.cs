using System.Text;
using Encoding = System.Text.Encoding;
using Aotml.Core.Tests.Tiktoken;
using Aotml.Text;
using Aotml.Tiktoken;
using Aotml.Tokenization;

namespace Aotml.Core.Tests.Tokenization;

public class PreTokenizedStringTests
{
    private const string Cl100k = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [Fact]
    public void PatternPiecesMapBackToTheOriginal()
    {
        // Normalization shortens É (2 bytes → 1); the pieces still point at the original bytes.
        var n = new NormalizedString("Élan vital's 1234 ÉÉ!");
        n.Map(cp => cp == 'É' ? 'E' : cp);
        var pre = new PreTokenizedString(n);
        new PatternPreTokenizer(Cl100k).PreTokenize(pre);
        Assert.Equal(
            [("Elan", 0, 5), (" vital", 5, 11), ("'s", 11, 13), (" ", 13, 14), ("123", 14, 17), ("4", 17, 18), (" EE", 18, 23), ("!", 23, 24)],
            pre.GetSplits());
    }

    [Fact]
    public void ScannerAndRegexPreTokenizersAgree()
    {
        // The same pattern with a trailing no-op group is no longer "known", so it goes to .NET Regex.
        var text = "Hello, wörld!\n\n  x = 12345; 日本語  ";
        var a = new PreTokenizedString(new NormalizedString(text));
        var b = new PreTokenizedString(new NormalizedString(text));
        new PatternPreTokenizer(Cl100k).PreTokenize(a);
        new PatternPreTokenizer(Cl100k + "|(?:)").PreTokenize(b);
        Assert.Equal(a.GetSplits(), b.GetSplits());
        Assert.Equal(text, string.Concat(a.GetSplits().Select(p => p.Text)));
    }

    [Fact]
    public void PiecesTokenizeToTheEncodingsIds()
    {
        var e = Bundled.Get("cl100k_base");
        const string text = "Pre-tokenized pieces, then merged: the same ids as encode().";
        var pre = new PreTokenizedString(new NormalizedString(text));
        new PatternPreTokenizer(e.Pattern).PreTokenize(pre);
        var ids = pre.Pieces.SelectMany(p => e.Encode(p.ToString())).ToArray();
        Assert.Equal(e.Encode(text), ids);
        Assert.Equal(text.Length, Encoding.UTF8.GetByteCount(text));
    }
}
