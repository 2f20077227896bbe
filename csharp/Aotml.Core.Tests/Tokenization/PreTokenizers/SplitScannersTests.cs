using System.Text;
using Aotml.Text;
using Encoding = System.Text.Encoding;
using Aotml.Tokenization;
using Aotml.Tokenization.Normalizers;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Core.Tests.Tokenization.PreTokenizers;

/// <summary>The hand-written Split scanners against the regex they replace (the Oniguruma emulation over .NET
/// Regex, itself checked against Hugging Face by the oracle tests): same pieces on random text built from the
/// characters each alternative of the patterns distinguishes.</summary>
public class SplitScannersTests
{
    // DeepSeek V3's three Split patterns, as its tokenizer.json spells them.
    public static readonly string[] Patterns =
    [
        @"\p{N}{1,3}",
        "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
    ];

    // Letters (ASCII, Latin-1, Cyrillic, astral), marks, numbers (ASCII, Arabic-Indic, Roman, astral), ASCII and
    // Unicode punctuation and symbols, spaces (\r, \n, tab, no-break, ideographic), CJK and kana at and just past
    // the pattern's range ends, controls, a format character and emoji.
    private static readonly string[] Alphabet =
    [
        "a", "Z", "q", "é", "ß", "ж", "𝔘", "\u0301", "\u0903", "\u20dd", "0", "7", "٣", "Ⅻ", "½", "𝟙",
        "!", "'", "-", ".", "_", "$", "+", "`", "~", "«", "—", "€", "©", "、", "。",
        " ", " ", " ", "\r", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\u0085",
        "一", "龥", "\u9fa6", "ぁ", "ゟ", "゠", "ヿ", "\u303f", "\u3100", "\u0000", "\u001f", "\u200d", "😀",
    ];

    private static List<string> ByScanner(SplitPreTokenizer split, string text)
    {
        var s = new PreTokenizedString(new NormalizedString(text));
        split.PreTokenize(s);
        return s.Pieces.Select(p => p.Normalized).ToList();
    }

    private static List<string> ByRegex(string pattern, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var found = new OnigRegex(pattern, "test").FindAll(bytes);
        var pieces = new List<string>();
        int prev = 0;
        foreach (var (s, e) in found)
        {
            if (s > prev) pieces.Add(Encoding.UTF8.GetString(bytes, prev, s - prev));
            pieces.Add(Encoding.UTF8.GetString(bytes, s, e - s));
            prev = e;
        }
        if (prev < bytes.Length) pieces.Add(Encoding.UTF8.GetString(bytes, prev, bytes.Length - prev));
        return pieces;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void MatchesTheRegexOnRandomText(int which)
    {
        string pattern = Patterns[which];
        Assert.NotEqual(SplitScanners.Kind.None, SplitScanners.Recognize(pattern));
        var split = new SplitPreTokenizer(new ReplacePattern(true, pattern, "test"), SplitBehavior.Isolated, false);
        var random = new Random(1234 + which);
        for (int round = 0; round < 4000; round++)
        {
            var sb = new StringBuilder();
            int len = random.Next(1, 14);
            for (int k = 0; k < len; k++) sb.Append(Alphabet[random.Next(Alphabet.Length)]);
            string text = sb.ToString();
            var expected = ByRegex(pattern, text);
            var actual = ByScanner(split, text);
            Assert.True(expected.SequenceEqual(actual),
                $"pattern {which}, text {Show(text)}: regex {string.Join("|", expected.Select(Show))}, scanner {string.Join("|", actual.Select(Show))}");
        }
    }

    [Fact]
    public void MatchesTheRegexOnProse()
    {
        const string text = "Hello, world! It's 2024: 東京は日本の首都です。 naïve café\r\n\r\n  x = f(y)+12345;\t// done\n";
        foreach (string pattern in Patterns)
        {
            var split = new SplitPreTokenizer(new ReplacePattern(true, pattern, "test"), SplitBehavior.Isolated, false);
            Assert.Equal(ByRegex(pattern, text), ByScanner(split, text));
        }
    }

    private static string Show(string s) => string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}"));
}
