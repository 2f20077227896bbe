using Aotml.Text;
using Aotml.Text.Normalization;

namespace Aotml.Core.Tests.Text;

/// <summary>NormalizedString edge cases, with the results HF's NormalizedString gives (reasoned from
/// tokenizers/src/tokenizer/normalizer.rs and checked against its own unit tests).</summary>
public class NormalizedStringTests
{
    private static (int, int)[] Align(NormalizedString n) => n.Alignments.ToArray().Select(a => (a.Start, a.End)).ToArray();

    private static string? Original(NormalizedString n, int start, int end) =>
        n.ConvertOffsets(OffsetReferential.Normalized, start, end) is (int s, int e) ? System.Text.Encoding.UTF8.GetString(n.OriginalUtf8[s..e]) : null;

    [Fact]
    public void NfdRepeatsTheAlignmentOfTheDecomposedCharacter()
    {
        var n = new NormalizedString("élégant").Nfd();
        Assert.Equal(new[] { (0, 2), (0, 2), (0, 2), (2, 3), (3, 5), (3, 5), (3, 5), (5, 6), (6, 7), (7, 8), (8, 9) }, Align(n));
    }

    [Fact]
    public void NfcOfAComposedPairKeepsTheFirstCharacterOnly()
    {
        // e + U+0301 → é: the composite replaces 'e' and removes the accent, so it is aligned with 'e' alone.
        var n = new NormalizedString("e\u0301x").Nfc();
        Assert.Equal("\u00e9x", n.Normalized);
        Assert.Equal(new[] { (0, 1), (0, 1), (3, 4) }, Align(n));
    }

    [Fact]
    public void ConvertOffsetsEdgeCases()
    {
        var n = new NormalizedString("    __Hello__   ");
        n.Filter(c => !Ucd.IsWhiteSpace(c)).Lowercase();
        Assert.Equal("__hello__", n.Normalized);
        Assert.Equal((2, 7), n.ConvertOffsets(OffsetReferential.Original, 6, 11));
        Assert.Equal("Hello", Original(n, 2, 7));
        Assert.Equal((0, 0), n.ConvertOffsets(OffsetReferential.Original, 0, 0));
        Assert.Equal((3, 3), n.ConvertOffsets(OffsetReferential.Original, 3, 3));
        Assert.Equal((9, 9), n.ConvertOffsets(OffsetReferential.Original, 15, 16));
        Assert.Equal((16, 16), n.ConvertOffsets(OffsetReferential.Original, 16, 16));
        Assert.Null(n.ConvertOffsets(OffsetReferential.Original, 17, 16));
        Assert.Equal((0, 0), n.ConvertOffsets(OffsetReferential.Normalized, 0, 0));
        Assert.Equal((3, 3), n.ConvertOffsets(OffsetReferential.Normalized, 3, 3));
        Assert.Equal((9, 9), n.ConvertOffsets(OffsetReferential.Normalized, 9, 9));
        Assert.Null(n.ConvertOffsets(OffsetReferential.Normalized, 10, 9));
        Assert.Null(n.ConvertOffsets(OffsetReferential.Normalized, 8, 10));
        // Leading spaces were removed: a range over them alone reaches no normalized byte, so it has no image.
        Assert.Null(n.ConvertOffsets(OffsetReferential.Original, 0, 4));
        Assert.Equal((0, 1), n.ConvertOffsets(OffsetReferential.Original, 0, 5));
    }

    [Fact]
    public void EmptyStrings()
    {
        var n = new NormalizedString("");
        Assert.Equal((0, 0), n.ConvertOffsets(OffsetReferential.Original, 0, 0));
        Assert.Null(n.ConvertOffsets(OffsetReferential.Normalized, 0, 1));
        n.Nfkc().Lowercase().Strip().Prepend("▁").Replace("a", "b");
        Assert.Equal("", n.Normalized);
        Assert.Equal(0, n.Clear());
    }

    [Fact]
    public void AddedAroundEdges()
    {
        var n = new NormalizedString("Hello");
        n.Transform(new[] { ((int)' ', 1), ('H', 0), ('e', 0), ('l', 0), ('l', 0), ('o', 0), (' ', 1) }, 0);
        Assert.Equal(" Hello ", n.Normalized);
        Assert.Equal((0, 0), Align(n)[0]);
        Assert.Equal((4, 5), Align(n)[6]);
        Assert.Equal("Hello", Original(n, 1, 6));
    }

    [Fact]
    public void PrependAndAppend()
    {
        var p = new NormalizedString("there").Prepend("Hey ");
        Assert.Equal("Hey there", p.Normalized);
        Assert.Equal(new[] { (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5) }, Align(p));
        Assert.Equal((0, 1), p.ConvertOffsets(OffsetReferential.Normalized, 0, 4));
        var a = new NormalizedString("Hey").Append(" there");
        Assert.Equal("Hey there", a.Normalized);
        Assert.Equal(new[] { (0, 1), (1, 2), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3) }, Align(a));
        var e = new NormalizedString("").Append("x");
        Assert.Equal("x", e.Normalized);
        Assert.Equal(new[] { (0, 0) }, Align(e));
    }

    [Fact]
    public void StripKeepsAlignments()
    {
        var n = new NormalizedString("  你好asa \n").Strip();
        Assert.Equal("你好asa", n.Normalized);
        Assert.Equal((2, 11), n.ConvertOffsets(OffsetReferential.Normalized, 0, n.Length));
        Assert.Equal("This is an example  ", new NormalizedString("  This is an example  ").LStrip().Normalized);
        Assert.Equal("  This is an example", new NormalizedString("  This is an example  ").RStrip().Normalized);
        Assert.Equal("", new NormalizedString(" \u3000 ").Strip().Normalized);
    }

    [Fact]
    public void LowercaseInsertsExtraCharactersOfAMapping()
    {
        var n = new NormalizedString("İa").Lowercase();
        Assert.Equal("i\u0307a", n.Normalized);
        Assert.Equal(new[] { (0, 2), (0, 2), (0, 2), (2, 3) }, Align(n));
        Assert.Equal("SS", new NormalizedString("ß").Uppercase().Normalized);
        // char::to_lowercase has no context: a final sigma lowercases to σ.
        Assert.Equal("οσ", new NormalizedString("ΟΣ").Lowercase().Normalized);
    }

    [Fact]
    public void FilterAtBothEnds()
    {
        var n = new NormalizedString("xxaxbxx").Filter(c => c != 'x');
        Assert.Equal("ab", n.Normalized);
        Assert.Equal(new[] { (2, 3), (4, 5) }, Align(n));
        Assert.Equal((2, 5), n.ConvertOffsets(OffsetReferential.Normalized, 0, 2));
    }

    [Fact]
    public void ReplaceAlignsWithTheLastByteOfTheMatch()
    {
        var n = new NormalizedString("a bc").Replace(" ", "▁▁");
        Assert.Equal("a▁▁bc", n.Normalized);
        Assert.All(Align(n)[1..7], a => Assert.Equal((1, 2), a));
        var m = new NormalizedString("ééé").Replace("é", "");
        Assert.Equal("", m.Normalized);
        Assert.Equal("XX", new NormalizedString("aaaa").Replace("aa", "X").Normalized);
        Assert.Equal("Xa", new NormalizedString("aaa").Replace("aa", "X").Normalized);
    }

    [Fact]
    public void ClearRemovesEverything()
    {
        var n = new NormalizedString("héllo");
        Assert.Equal(6, n.Clear());
        Assert.True(n.IsEmpty);
        Assert.Equal((0, 0), n.ConvertOffsets(OffsetReferential.Normalized, 0, 0));
        Assert.Equal(0, n.Alignments.Length);
        Assert.Equal("héllo", n.Original);
    }

    [Fact]
    public void SliceKeepsOriginalOffsets()
    {
        var n = new NormalizedString("Hello ﬁne World").Nfkc().Lowercase();
        Assert.Equal("hello fine world", n.Normalized);
        var fine = n.Slice(OffsetReferential.Normalized, 6, 10)!;
        Assert.Equal("fine", fine.Normalized);
        Assert.Equal("ﬁne", fine.Original);
        Assert.Equal((6, 11), fine.OffsetsOriginal);
        Assert.Equal(new[] { (0, 3), (0, 3), (3, 4), (4, 5) }, Align(fine));
        var byOriginal = n.Slice(OffsetReferential.Original, 12, 17)!;
        Assert.Equal("world", byOriginal.Normalized);
        Assert.Null(n.Slice(OffsetReferential.Original, 7, 9));  // inside ﬁ
        Assert.Null(n.Slice(OffsetReferential.Normalized, 3, 99));
    }

    [Fact]
    public void BadTransformsThrowWithoutChangingTheString()
    {
        var n = new NormalizedString("ab");
        Assert.Throws<ArgumentException>(() => n.Transform(new[] { (0xD800, 0) }, 0));
        Assert.Throws<ArgumentException>(() => n.Transform(new[] { ((int)'a', 0), ('b', 0), ('c', 0) }, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => n.TransformRange(1, 3, ReadOnlySpan<(int, int)>.Empty, 0));
        Assert.Equal("ab", n.Normalized);
        Assert.Equal(new[] { (0, 1), (1, 2) }, Align(n));
    }

    [Fact]
    public void NormalizationUsesHuggingFacesUnicode9ByDefault()
    {
        // U+1FBF0 SEGMENTED DIGIT ZERO (Unicode 13) has a compatibility decomposition to '0' since 13.0.
        Assert.Equal("\U0001FBF0", new NormalizedString("\U0001FBF0").Nfkc().Normalized);
        Assert.Equal("0", new NormalizedString("\U0001FBF0").Nfkc(Ucd.Latest).Normalized);
    }
}
