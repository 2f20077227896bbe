using Aotml.Tokenization.Models.Bpe;

namespace Aotml.Core.Tests.Tokenization.Models.Bpe;

/// <summary>The word cache returns what was put for exactly the same bytes, and nothing for any other piece.</summary>
public class WordCacheTests
{
    private struct Collect : Aotml.Tokenization.ITokenSink
    {
        public List<(uint, int, int)> Got;
        public static bool WantsOffsets => true;
        public void Add(uint id, int start, int end) => Got.Add((id, start, end));
    }

    [Fact]
    public void HitsOnlyTheSameBytes()
    {
        var cache = WordCache.For(new object());
        for (int n = 1; n <= WordCache.MaxKey; n++)
        {
            var key = Enumerable.Range(0, n).Select(i => (byte)('a' + i % 26)).ToArray();
            int tokens = Math.Min(n, 3);
            var ids = Enumerable.Range(0, tokens).Select(i => (uint)(100 * n + i)).ToArray();
            var ends = Enumerable.Range(1, tokens).Select(i => i == tokens ? n : i).ToArray();
            ulong hash = WordCache.Hash(key);
            cache.Put(key, hash, ids, ends);
            var sink = new Collect { Got = [] };
            Assert.True(cache.TryEmit(key, hash, 10, ref sink));
            int start = 10;
            Assert.Equal(ids.Select((id, k) => { var t = (id, start, 10 + ends[k]); start = 10 + ends[k]; return t; }), sink.Got);
            // Every one-byte change (with the same hash forced, so only the key compare can tell) misses.
            for (int i = 0; i < n; i++)
            {
                var other = (byte[])key.Clone();
                other[i] ^= 0x20;
                Assert.False(cache.TryEmit(other, hash, 0, ref sink));
            }
            Assert.False(cache.TryEmit(key.AsSpan(0, n - 1), hash, 0, ref sink));
        }
    }
}
