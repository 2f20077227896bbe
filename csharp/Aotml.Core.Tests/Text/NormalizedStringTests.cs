using Aotml.Text;

namespace Aotml.Core.Tests.Text;

public class NormalizedStringTests
{
    [Fact]
    public void StartsAlignedWithItself()
    {
        var s = new NormalizedString("aé中");
        Assert.Equal([(0, 1), (1, 3), (1, 3), (3, 6), (3, 6), (3, 6)], s.Alignments.ToArray());
        Assert.Equal((1, 6), s.OriginalRange(1, 6));
        Assert.Equal((6, 6), s.OriginalRange(6, 6));
        Assert.Throws<ArgumentException>(() => new NormalizedString(new byte[] { 0xC3 }));
    }

    [Fact]
    public void ReplacementsKeepTheOriginalRange()
    {
        var s = new NormalizedString("Éa");
        s.Map(cp => cp == 'É' ? 'e' : char.ToUpperInvariant((char)cp));   // two bytes become one, one stays one
        Assert.Equal("eA", s.ToString());
        Assert.Equal((0, 2), s.OriginalRange(0, 1));
        Assert.Equal((2, 3), s.OriginalRange(1, 2));
    }

    [Fact]
    public void RemovedAndInsertedCharacters()
    {
        // "e" + combining acute → "é" (one character replaces two); then "x" inserted after it.
        var s = new NormalizedString("e\u0301b");
        s.Transform([(0xE9, -1), ('x', 1), ('b', 0)]);
        Assert.Equal("éxb", s.ToString());
        Assert.Equal((0, 1), s.OriginalRange(0, 2));   // é came from the e (the removed mark is not its source)
        Assert.Equal((1, 3), s.OriginalRange(2, 3));   // an insertion is aligned like the old byte before it: the mark
        Assert.Equal((3, 4), s.OriginalRange(3, 4));

        var f = new NormalizedString("-ab-c-");
        f.Filter(cp => cp != '-');
        Assert.Equal("abc", f.ToString());
        Assert.Equal((1, 5), f.OriginalRange(0, 3));
        Assert.Equal((4, 5), f.OriginalRange(2, 3));
        Assert.Throws<ArgumentException>(() => new NormalizedString("ab").Transform([('a', -5)]));
    }

    [Fact]
    public void PrependAppendAndSlice()
    {
        var s = new NormalizedString("hé llo");
        s.Map(cp => cp == ' ' ? '▁' : cp);
        s.Prepend("▁");
        s.Append("!");
        Assert.Equal("▁hé▁llo!", s.ToString());
        Assert.Equal((0, 1), s.OriginalRange(0, 3));             // the prefix is aligned with the first character
        Assert.Equal((6, 7), s.OriginalRange(s.Length - 1, s.Length));
        var word = s.Slice(9, 13);                               // "llo!"
        Assert.Equal("llo!", word.ToString());
        Assert.Equal(4, word.OriginalStart);
        Assert.Equal((4, 7), word.OriginalRange(0, word.Length));
        Assert.Throws<ArgumentException>(() => s.Slice(5, 6));   // inside é
    }
}
