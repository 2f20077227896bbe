using System.Text;
using System.Text.RegularExpressions;
using Aotml.Tiktoken;

namespace Aotml.Core.Tests.Tiktoken;

/// <summary>
/// The hand-written scanners against .NET's backtracking Regex running the same pattern (possessive-free, so it
/// reads the same in both dialects) on random BMP text: the split points must agree. (.NET's \p{L} does not see
/// astral letters, hence BMP only; the node differential tests cover the rest against tiktoken itself.)
/// </summary>
public class ScannerTests
{
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    private const string Cl100k = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string O200k = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // Characters from every class the patterns distinguish (no long s: .NET folds case differently for it).
    private static readonly string[] Pool =
    [
        "a", "Z", "é", "É", "ǅ", "ʰ", "中", "の", "ß", "\u0301", "\u0903", "\u20dd", "1", "٣", "Ⅻ", "½", " ", "  ", "\t",
        "\n", "\r", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085", "'", "'s", "'S", "'ll", "'LL", "'Re", "'ve", "'d",
        "'M", "'t", "!", "?", "/", "//", "-", "_", ".", "$", "€", "\u200d", "\ufeff", "\x00", "hello", "World", "HTTP",
    ];

    [Theory]
    [InlineData(Gpt2, 0)]
    [InlineData(Cl100k, 1)]
    [InlineData(O200k, 2)]
    // tiktoken 0.14's cl100k spelling, rewritten into .NET syntax (atomic groups, `\z` for Rust's `$`).
    [InlineData(@"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s", 4)]
    public void ScannerMatchesRegex(string pattern, int kind)
    {
        var regex = new Regex(SplitPattern.ToDotNet(pattern), RegexOptions.CultureInvariant);
        var rnd = new Random(1234 + kind);
        for (int trial = 0; trial < 3000; trial++)
        {
            var sb = new StringBuilder();
            int len = rnd.Next(1, 24);
            for (int i = 0; i < len; i++) sb.Append(Pool[rnd.Next(Pool.Length)]);
            string text = sb.ToString();
            Assert.Equal(RegexPieces(regex, text), ScannerPieces(text, kind));
        }
    }

    private static List<string> RegexPieces(Regex r, string text)
    {
        var pieces = new List<string>();
        foreach (Match m in r.Matches(text)) pieces.Add(m.Value);
        return pieces;
    }

    private static List<string> ScannerPieces(string text, int kind)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var pieces = new List<string>();
        for (int pos = 0; pos < bytes.Length;)
        {
            int end = kind switch
            {
                0 => Scanners.NextGpt2(bytes, pos),
                1 => Scanners.NextCl100k(bytes, pos),
                4 => Scanners.NextCl100kPossessive(bytes, pos),
                _ => Scanners.NextO200k(bytes, pos),
            };
            Assert.True(end > pos);
            pieces.Add(Encoding.UTF8.GetString(bytes, pos, end - pos));
            pos = end;
        }
        return pieces;
    }

    [Fact]
    public void PossessiveQuantifiersBecomeAtomicGroups()
    {
        Assert.Equal(@"(?>\p{L}+)|(?>\p{N}{1,3})|(?>[^\s]*)|a?", SplitPattern.ToDotNet(@"\p{L}++|\p{N}{1,3}+|[^\s]*+|a?"));
        Assert.Equal(@"(?>(?:ab)+)c", SplitPattern.ToDotNet(@"(?:ab)++c"));
        Assert.Equal(@"[+*]+?x", SplitPattern.ToDotNet(@"[+*]+?x"));
        Assert.Equal(@"(?>\s+)\z|[$]", SplitPattern.ToDotNet(@"\s++$|[$]"));
    }

    [Fact]
    public void CatastrophicPatternIsBounded()
    {
        var split = new SplitPattern("(a+)+$");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = Assert.Throws<EncodeException>(() => split.Matches(Encoding.UTF8.GetBytes(new string('a', 30) + "b"), []));
        Assert.Contains("'(a+)+$' backtracks catastrophically", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void RankFileErrorsNameTheLine()
    {
        var ex = Assert.Throws<ConfigurationException>(() => RankFiles.ParseTiktoken("YQ== 0\nYg== 1\n!!! 2\n"u8, "t.tiktoken"));
        Assert.StartsWith("t.tiktoken: line 3:", ex.Message);
        var ok = RankFiles.ParseTiktoken("YQ== 0\r\nYg== 1\r\n\r\nYWI= 2"u8);
        Assert.Equal(3, ok.Count);
        var round = RankFiles.ParseCompact(RankFiles.ToCompact(ok));
        Assert.Equal(ok.Blob, round.Blob);
        Assert.Equal(ok.Offsets, round.Offsets);
        Assert.Equal(ok.Values, round.Values);
        Assert.Throws<ConfigurationException>(() => RankFiles.ParseCompact("AOTMLBPE\x01\0\0\0"u8));
    }
}
