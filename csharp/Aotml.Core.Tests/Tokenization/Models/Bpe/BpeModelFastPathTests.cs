using System.Text;
using Encoding = System.Text.Encoding;
using System.Text.Json;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Core.Tests.Tokenization.Models.Bpe;

/// <summary>The tokenize-path shortcuts of <see cref="BpeModel"/> (word cache, cutting at ▁) give what the plain
/// merge gives: a model whose vocabulary forbids the cut (one unused token with ▁ inside) is the reference.</summary>
public class BpeModelFastPathTests
{
    private static readonly string[] Merges =
    [
        "▁ a", "b c", "▁a b", "a a", "▁ ▁", "▁▁ ▁", "▁ b", "▁ab c", "▁▁ a", "é e", "a é",
    ];

    private static BpeModel Model(bool blockCut, bool byteFallback)
    {
        var vocab = new Dictionary<string, int>();
        foreach (var t in new[] { "<unk>", "▁", "a", "b", "c", "é", "e" }) vocab[t] = vocab.Count;
        for (int b = 0; b < 256 && byteFallback; b++) vocab[$"<0x{b:X2}>"] = vocab.Count;
        foreach (var m in Merges) vocab.TryAdd(m.Replace(" ", ""), vocab.Count);
        if (blockCut) vocab["q▁q"] = vocab.Count;
        string json = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "BPE", ["unk_token"] = "<unk>", ["fuse_unk"] = true, ["byte_fallback"] = byteFallback,
            ["vocab"] = vocab, ["merges"] = Merges,
        });
        using var doc = JsonDocument.Parse(json);
        return BpeModel.FromJson(doc.RootElement, "$.model");
    }

    private static List<(uint, int, int)> Tokens(BpeModel m, string text, int offset)
    {
        var sink = new OffsetSink(new List<uint>(), new List<(int, int)>());
        m.Tokenize(Encoding.UTF8.GetBytes(text), offset, ref sink);
        return sink.Ids.Select((id, k) => (id, sink.Offsets[k].Start, sink.Offsets[k].End)).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CutAndCachedEqualsWhole(bool byteFallback)
    {
        var fast = Model(false, byteFallback);
        var reference = Model(true, byteFallback);
        string[] alphabet = ["▁", "▁", "a", "b", "c", "é", "e", "x", "ж", "😀"];
        var random = new Random(7);
        for (int round = 0; round < 3000; round++)
        {
            var sb = new StringBuilder();
            int len = random.Next(1, round % 10 == 0 ? 120 : 16);
            for (int k = 0; k < len; k++) sb.Append(alphabet[random.Next(alphabet.Length)]);
            string text = sb.ToString();
            int offset = random.Next(0, 5);
            // Twice: the second time the fast model answers from its word cache.
            for (int pass = 0; pass < 2; pass++)
                Assert.True(Tokens(reference, text, offset).SequenceEqual(Tokens(fast, text, offset)), $"{text} (pass {pass})");
        }
        // The shortcut was taken by one model and refused by the other.
        var decided = typeof(BpeModel).GetField("_metaspaceWords", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        Assert.Equal(1, decided.GetValue(fast));
        Assert.Equal(-1, decided.GetValue(reference));
    }
}
