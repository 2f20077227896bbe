using System.Text;
using Aotml.SentencePiece;

namespace Aotml.Tests.SentencePiece;

/// <summary>The per-thread segment cache gives back exactly what was put, from either of its tables.</summary>
public class SpSegmentCacheTests
{
    private static long s_owner = 1_000_000;

    private static (SpSegmentCache Cache, SpSegmentCache?[] Parking) Fresh()
    {
        var parking = SpSegmentCache.NewParking();
        return (SpSegmentCache.For(Interlocked.Increment(ref s_owner), parking), parking);
    }

    // Tokens tiling a segment: n pieces of the given lengths, ids from a seed.
    private static List<(int Start, int Length, int Id)> Tiling(int start, int[] lengths, int seed)
    {
        var list = new List<(int, int, int)>();
        foreach (int l in lengths)
        {
            list.Add((start, l, seed++ * 7919 % 32000));
            start += l;
        }
        return list;
    }

    [Theory]
    [InlineData("\u2581the", new[] { 6 })]                                    // small table
    [InlineData("\u2581abcdefghij", new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3 })] // short, but 11 tokens: large table
    [InlineData("\u2581supercalifragilisticexpialidocious-x", new[] { 10, 10, 10, 9 })]   // 39 bytes: large table
    public void PutThenFind(string text, int[] lengths)
    {
        var (cache, _) = Fresh();
        var seg = Encoding.UTF8.GetBytes(text);
        Assert.Equal(seg.Length, lengths.Sum());
        ulong hash = SpSegmentCache.Hash(seg);
        Assert.Equal(-1, cache.Find(seg, hash));
        var tokens = Tiling(0, lengths, 3);
        cache.Put(seg, hash, tokens, 0, 12.5f);
        int at = cache.Find(seg, hash);
        Assert.True(at >= 0);
        Assert.Equal(12.5f, cache.Limit(at));
        var back = new List<(int Start, int Length, int Id)>();
        cache.Emit(at, 100, back);
        Assert.Equal(Tiling(100, lengths, 3), back);
        // A segment that differs in its last byte is another key.
        var other = (byte[])seg.Clone();
        other[^1] ^= 1;
        Assert.Equal(-1, cache.Find(other, SpSegmentCache.Hash(other)));
    }

    [Fact]
    public void TooLongOrTooManyTokensAreNotCached()
    {
        var (cache, _) = Fresh();
        var longSeg = Encoding.UTF8.GetBytes(new string('a', SpSegmentCache.MaxKey + 1));
        cache.Put(longSeg, SpSegmentCache.Hash(longSeg), Tiling(0, [SpSegmentCache.MaxKey + 1], 1), 0, 1f);
        Assert.Equal(-1, cache.Find(longSeg, SpSegmentCache.Hash(longSeg)));
        var many = Encoding.UTF8.GetBytes(new string('b', SpSegmentCache.MaxTokens + 1));
        cache.Put(many, SpSegmentCache.Hash(many), Tiling(0, Enumerable.Repeat(1, SpSegmentCache.MaxTokens + 1).ToArray(), 1), 0, 1f);
        Assert.Equal(-1, cache.Find(many, SpSegmentCache.Hash(many)));
    }

    [Fact]
    public void ManySegmentsEvictButNeverConfuse()
    {
        // Far more segments than slots: whatever is found must be what was put for that segment.
        var (cache, _) = Fresh();
        var rng = new Random(5);
        for (int i = 0; i < 60_000; i++)
        {
            int n = rng.Next(1, 40);
            var seg = Encoding.UTF8.GetBytes("\u2581" + i.ToString("x") + new string('z', n));
            var lengths = seg.Length <= 8 ? new[] { seg.Length } : new[] { 3, seg.Length - 3 };
            cache.Put(seg, SpSegmentCache.Hash(seg), Tiling(0, lengths, i), 0, i);
            if (i % 97 != 0) continue;
            for (int j = Math.Max(0, i - 3000); j <= i; j += 7)
            {
                var probe = Encoding.UTF8.GetBytes("\u2581" + j.ToString("x"));
                for (int m = 1; m < 40; m += 13)
                {
                    var key = probe.Concat(Encoding.UTF8.GetBytes(new string('z', m))).ToArray();
                    int at = cache.Find(key, SpSegmentCache.Hash(key));
                    if (at < 0) continue;
                    var back = new List<(int Start, int Length, int Id)>();
                    cache.Emit(at, 0, back);
                    Assert.Equal(key.Length, back.Sum(t => t.Length));
                    Assert.Equal((float)j, cache.Limit(at));
                }
            }
        }
    }

    [Fact]
    public void ParkedCachesPassToOtherThreadsWarm()
    {
        var parking = SpSegmentCache.NewParking();
        long owner = Interlocked.Increment(ref s_owner);
        var seg = Encoding.UTF8.GetBytes("\u2581warm");
        ulong hash = SpSegmentCache.Hash(seg);
        var t = new Thread(() =>
        {
            SpSegmentCache.For(owner, parking).Put(seg, hash, Tiling(0, [seg.Length], 9), 0, 1f);
            SpSegmentCache.Park(parking);
        });
        t.Start();
        t.Join();
        int found = -2;
        var u = new Thread(() => found = SpSegmentCache.For(owner, parking).Find(seg, hash));
        u.Start();
        u.Join();
        Assert.True(found >= 0);
        // A cache taken for another model starts empty.
        int other = -2;
        var v = new Thread(() => other = SpSegmentCache.For(owner + 1_000_000_000, parking).Find(seg, hash));
        v.Start();
        v.Join();
        Assert.Equal(-1, other);
    }
}
