using Aotml.Tiktoken;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;
using Encoding = System.Text.Encoding;

namespace Aotml.Core.Tests.Tiktoken;

/// <summary>tiktoken's ranks through the generic engine against tiktoken's own textbook merge, written plainly.</summary>
public class RankMergeTableTests
{
    [Fact]
    public void EngineMatchesTheTextbookMerge()
    {
        var e = Bundled.Get("cl100k_base");
        var byteRanks = new uint[256];
        for (int b = 0; b < 256; b++) byteRanks[b] = e.Ranks.Get(new[] { (byte)b });
        var table = new RankMergeTable(e.Ranks, byteRanks, new LookupCache());
        var alphabet = Encoding.UTF8.GetBytes("abcdefghij ABC0123 日本語のテキスト русский");
        var rnd = new Random(3);
        for (int trial = 0; trial < 300; trial++)
        {
            var piece = new byte[trial % 20 == 0 ? rnd.Next(257, 600) : rnd.Next(1, 60)];
            for (int i = 0; i < piece.Length; i++) piece[i] = alphabet[rnd.Next(alphabet.Length)];
            var sink = new OffsetSink(new List<uint>(), new List<(int, int)>());
            BpeMerge.Encode(table, piece, 0, ref sink);
            Assert.Equal(Textbook(e, piece), sink.Ids.Zip(sink.Offsets, (id, o) => (id, o.Start, o.End)).ToList());
        }
    }

    // Join the adjacent parts whose concatenated bytes have the lowest rank, leftmost first, until none is a token.
    private static List<(uint, int, int)> Textbook(TiktokenEncoding e, byte[] piece)
    {
        var bounds = Enumerable.Range(0, piece.Length + 1).ToList();
        uint RankOf(int i) => e.Ranks.Get(piece.AsSpan(bounds[i], bounds[i + 2] - bounds[i]));
        while (bounds.Count > 2)
        {
            int best = -1;
            uint bestRank = uint.MaxValue;
            for (int i = 0; i + 2 < bounds.Count; i++)
            {
                uint r = RankOf(i);
                if (r < bestRank) { best = i; bestRank = r; }
            }
            if (best < 0) break;
            bounds.RemoveAt(best + 1);
        }
        var result = new List<(uint, int, int)>();
        for (int i = 0; i + 1 < bounds.Count; i++)
            result.Add((e.Ranks.Get(piece.AsSpan(bounds[i], bounds[i + 1] - bounds[i])), bounds[i], bounds[i + 1]));
        return result;
    }
}
