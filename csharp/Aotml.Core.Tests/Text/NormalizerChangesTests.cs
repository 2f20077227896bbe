using System.Text;
using Aotml.Text.Normalization;

namespace Aotml.Core.Tests.Text;

/// <summary>The change stream of the normalizer (the values unicode-normalization-alignments yields) and the
/// source index of every output character derived from it.</summary>
public class NormalizerChangesTests
{
    private static (int[] Output, int[] Changes) Run(string s, NormalizationForm f, byte version = Ucd.Unicode9)
    {
        var output = new List<int>();
        var changes = new List<int>();
        Normalizer.Normalize(s.EnumerateRunes().Select(r => r.Value).ToArray(), f, output, changes, version);
        return (output.ToArray(), changes.ToArray());
    }

    [Fact]
    public void DecompositionInsertsAndCompositionRemoves()
    {
        var (output, changes) = Run("\ufb01e\u0301", NormalizationForm.FormKC);
        Assert.Equal(new[] { 'f', 'i', 0xE9 }, output);
        Assert.Equal(new[] { 0, 1, -1 }, changes);
        Assert.Equal(new[] { 0, 0, 1 }, Normalizer.SourceIndices(changes));
    }

    [Fact]
    public void ReorderingMovesChangesWithTheirCharacters()
    {
        // é + dot below: NFD gives e, dot below (0, from the second input), acute (1, from é's decomposition).
        var (output, changes) = Run("\u00e9\u0323", NormalizationForm.FormD);
        Assert.Equal(new[] { 'e', 0x323, 0x301 }, output);
        Assert.Equal(new[] { 0, 0, 1 }, changes);
        // Positions, not characters, carry alignments: the acute is aligned with the dot below's input index.
        Assert.Equal(new[] { 0, 1, 1 }, Normalizer.SourceIndices(changes));
    }

    [Fact]
    public void HangulSyllablesDecomposeAndComposeByAlgorithm()
    {
        var (d, dc) = Run("\uac01", NormalizationForm.FormD);
        Assert.Equal(new[] { 0x1100, 0x1161, 0x11A8 }, d);
        Assert.Equal(new[] { 0, 1, 1 }, dc);
        var (c, cc) = Run("\u1100\u1161\u11a8", NormalizationForm.FormC);
        Assert.Equal(new[] { 0xAC01 }, c);
        Assert.Equal(new[] { -2 }, cc);
    }

    [Fact]
    public void VersionEmulationLeavesNewerCharactersAlone()
    {
        // U+11938 = U+11935 U+11930 canonically since Unicode 13; U+32FF (12.1) is <square> 令和.
        Assert.Equal(new[] { 0x11938 }, Run("\U00011938", NormalizationForm.FormD).Output);
        Assert.Equal(new[] { 0x11935, 0x11930 }, Run("\U00011938", NormalizationForm.FormD, Ucd.Latest).Output);
        Assert.Equal(new[] { 0x11938 }, Run("\U00011935\U00011930", NormalizationForm.FormC, Ucd.Latest).Output);
        Assert.Equal(new[] { 0x11935, 0x11930 }, Run("\U00011935\U00011930", NormalizationForm.FormC).Output);
        Assert.Equal("\u32ff", Normalizer.Normalize("\u32ff", NormalizationForm.FormKC, Ucd.Unicode9));
        Assert.Equal("令和", Normalizer.Normalize("\u32ff", NormalizationForm.FormKC));
        Assert.Equal(Encoding.UTF8.GetBytes("令和"), Normalizer.Normalize(Encoding.UTF8.GetBytes("\u32ff"), NormalizationForm.FormKC));
    }

    [Fact]
    public void IllFormedInputReadsAsReplacementCharacters()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("a\ufffdb"), Normalizer.Normalize(new byte[] { (byte)'a', 0xC3, (byte)'b' }, NormalizationForm.FormC));
        Assert.Equal("a\ufffd", Normalizer.Normalize("a\ud800", NormalizationForm.FormC));
        Assert.Equal("\ufffd", new Aotml.Text.NormalizedString(new byte[] { 0xFF }).Normalized);
    }
}
