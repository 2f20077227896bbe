using System.Text;
using Encoding = System.Text.Encoding;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Core.Tests.Tokenization.Models.Bpe;

/// <summary>
/// The merge engine on a tiny Hugging Face style table whose ids are not in merge order, against results worked out
/// by hand and against a straightforward reference (repeatedly join the leftmost lowest-ranked pair of strings).
/// </summary>
public class BpeMergeTests
{
    private static readonly Dictionary<string, uint> Vocab = new()
    {
        ["<unk>"] = 0, ["a"] = 10, ["b"] = 11, ["c"] = 12, ["d"] = 13, ["é"] = 14,
        ["ab"] = 20, ["bc"] = 21, ["abc"] = 22, ["cd"] = 23, ["abcd"] = 24, ["éa"] = 25,
    };

    // Rank = position in this list.
    private static readonly (string, string)[] Merges =
    [
        ("c", "d"), ("a", "b"), ("b", "c"), ("ab", "c"), ("ab", "cd"), ("é", "a"),
    ];

    private static readonly PairMerges Table = new(Vocab, Merges);

    [Theory]
    [InlineData("abcd", new uint[] { 24 }, new[] { 0, 4 })]             // cd (rank 0), then ab (1), then ab+cd (4)
    [InlineData("abc", new uint[] { 22 }, new[] { 0, 3 })]              // ab (1) before bc (2), then ab+c (3)
    [InlineData("bcd", new uint[] { 11, 23 }, new[] { 0, 1, 1, 3 })]    // cd (0) wins over bc (2); b+cd is no merge
    [InlineData("éab", new uint[] { 14, 20 }, new[] { 0, 2, 2, 4 })]    // ab (1) before éa (5) takes the a away
    [InlineData("éa", new uint[] { 25 }, new[] { 0, 3 })]               // a two-byte symbol
    [InlineData("aaa", new uint[] { 10, 10, 10 }, new[] { 0, 1, 1, 2, 2, 3 })]
    [InlineData("abcabc", new uint[] { 22, 22 }, new[] { 0, 3, 3, 6 })] // equal ranks: leftmost first
    [InlineData("d", new uint[] { 13 }, new[] { 0, 1 })]
    public void WorkedExamples(string word, uint[] ids, int[] offsets)
    {
        foreach (bool large in new[] { false, true })
        {
            var (gotIds, gotOffsets) = Run(Table, word, large, shift: 5);
            Assert.Equal(ids, gotIds);
            Assert.Equal(offsets.Select(o => o + 5), gotOffsets.SelectMany(o => new[] { o.Start, o.End }));
        }
    }

    [Fact]
    public void RandomWordsMatchTheReference()
    {
        var rnd = new Random(11);
        string[] alphabet = ["a", "b", "c", "d", "é"];
        for (int trial = 0; trial < 2000; trial++)
        {
            // Mostly short words (the stack path); every tenth long enough for the bucket queue.
            int n = trial % 10 == 0 ? rnd.Next(130, 700) : rnd.Next(1, 40);
            var sb = new StringBuilder();
            for (int i = 0; i < n; i++) sb.Append(alphabet[rnd.Next(alphabet.Length)]);
            string word = sb.ToString();
            var expected = Reference(word);
            Assert.Equal(expected, Collect(Run(Table, word, large: false)));
            Assert.Equal(expected, Collect(Run(Table, word, large: true)));
            var both = new CountSink();
            BpeMerge.Encode(Table.AsTable(), Encoding.UTF8.GetBytes(word), 0, ref both);
            Assert.Equal(expected.Count, both.Count);
        }
    }

    [Fact]
    public void UnknownCharacters()
    {
        Assert.Throws<EncodeException>(() => Run(Table, "abx", large: false));
        var withUnk = new PairMerges(Vocab, Merges, unk: "<unk>");
        Assert.Equal(new uint[] { 20, 0, 23 }, Run(withUnk, "abxcd", large: false).Ids);
        Assert.Throws<ConfigurationException>(() => new PairMerges(Vocab, [("a", "d")]));          // "ad" is no token
        Assert.Throws<ConfigurationException>(() => new PairMerges(Vocab, [("a", "b"), ("a", "b")]));
    }

    private static List<(uint, int, int)> Collect((uint[] Ids, (int Start, int End)[] Offsets) r)
        => r.Ids.Select((id, i) => (id, r.Offsets[i].Start, r.Offsets[i].End)).ToList();

    private static (uint[] Ids, (int Start, int End)[] Offsets) Run(PairMerges table, string word, bool large, int shift = 0)
    {
        var sink = new OffsetSink(new List<uint>(), new List<(int, int)>());
        var bytes = Encoding.UTF8.GetBytes(word);
        if (large) BpeMerge.EncodeLarge(table.AsTable(), bytes, shift, ref sink);
        else BpeMerge.EncodeSmall(table.AsTable(), bytes, shift, ref sink);
        return (sink.Ids.ToArray(), sink.Offsets.ToArray());
    }

    // The textbook loop, on strings: find the lowest-ranked adjacent pair (leftmost on ties), join it, repeat.
    private static List<(uint, int, int)> Reference(string word)
    {
        var rank = new Dictionary<(string, string), int>();
        for (int r = 0; r < Merges.Length; r++) rank[Merges[r]] = r;
        var parts = new List<(string Text, int Start, int End)>();
        int at = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            int len = rune.Utf8SequenceLength;
            parts.Add((rune.ToString(), at, at + len));
            at += len;
        }
        while (true)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < parts.Count; i++)
                if (rank.TryGetValue((parts[i].Text, parts[i + 1].Text), out int r) && r < bestRank) { best = i; bestRank = r; }
            if (best < 0) break;
            parts[best] = (parts[best].Text + parts[best + 1].Text, parts[best].Start, parts[best + 1].End);
            parts.RemoveAt(best + 1);
        }
        return parts.Select(p => (Vocab[p.Text], p.Start, p.End)).ToList();
    }
}
