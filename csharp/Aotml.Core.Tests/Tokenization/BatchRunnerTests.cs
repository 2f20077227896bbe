using System.Text;
using Encoding = System.Text.Encoding;
using Aotml.Core.Tests.Tiktoken;
using Aotml.Tiktoken;
using Aotml.Tokenization;

namespace Aotml.Core.Tests.Tokenization;

public class BatchRunnerTests
{
    // Emits each byte as its own id, and fails on texts that start with '!' (naming the text's length).
    private readonly struct BytesEncoder : ITextEncoder
    {
        public void Encode<TSink>(ReadOnlySpan<byte> text, ref TSink sink) where TSink : struct, ITokenSink
        {
            if (!text.IsEmpty && text[0] == '!') throw new EncodeException($"bad text of {text.Length} bytes");
            for (int i = 0; i < text.Length; i++) sink.Add(text[i], i, i + 1);
        }
    }

    private static byte[][] Texts(int count, int seed)
    {
        var rnd = new Random(seed);
        var texts = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            texts[i] = new byte[rnd.Next(0, 4000)];
            for (int k = 0; k < texts[i].Length; k++) texts[i][k] = (byte)rnd.Next('a', 'z' + 1);
        }
        return texts;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void ResultsComeBackInTextOrder(int threads)
    {
        var texts = Texts(300, threads);
        var r = TokenBatch.Encode(new BytesEncoder(), i => texts[i], texts.Length, threads);
        var flat = new uint[r.Total];
        r.CopyTo(flat);
        Assert.Equal(texts.SelectMany(t => t).Select(b => (uint)b), flat);
        long at = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(at, r.Offsets[i]);
            at += texts[i].Length;
        }
        Assert.Equal(at, r.Offsets[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TheFirstFailingTextWins(int threads)
    {
        var texts = Texts(300, 42);
        // Failures late in the batch, then one early: whichever thread meets which first, text 40's error is thrown.
        foreach (int i in new[] { 290, 200, 40 }) texts[i] = Encoding.ASCII.GetBytes("!" + new string('x', i));
        for (int repeat = 0; repeat < 5; repeat++)
        {
            var ex = Assert.Throws<EncodeException>(() => TokenBatch.Encode(new BytesEncoder(), i => texts[i], texts.Length, threads));
            Assert.Equal("bad text of 41 bytes", ex.Message);
        }
    }

    [Fact]
    public void EveryChunkRunsOnceAndErrorsKeepChunkOrder()
    {
        var ran = new int[100];
        BatchRunner.Run(100, 4, c => Interlocked.Increment(ref ran[c]));
        Assert.All(ran, n => Assert.Equal(1, n));

        var before = new int[100];
        var ex = Assert.Throws<InvalidOperationException>(() => BatchRunner.Run(100, 4, c =>
        {
            if (c is 70 or 30) throw new InvalidOperationException($"chunk {c}");
            if (c < 30) Interlocked.Increment(ref before[c]);
        }));
        Assert.Equal("chunk 30", ex.Message);
        Assert.All(before.Take(30), n => Assert.Equal(1, n));   // chunks before the failure all ran
        Assert.Throws<ArgumentException>(() => BatchRunner.Run(1, 0, _ => { }));
    }

    [Fact]
    public void PlanMakesContiguousChunksAndCapsThreads()
    {
        int threads = 8;
        var bounds = BatchRunner.Plan(new long[] { 10, 20, 30 }, ref threads);
        Assert.Equal(1, threads);                       // 60 bytes are not worth a second thread
        Assert.Equal([0, 3], bounds);
        threads = 2;
        var sizes = Enumerable.Repeat(10_000L, 100).ToArray();
        bounds = BatchRunner.Plan(sizes, ref threads);
        Assert.Equal(2, threads);
        Assert.Equal(0, bounds[0]);
        Assert.Equal(100, bounds[^1]);
        Assert.True(bounds.Length > 3);
        for (int i = 1; i < bounds.Length; i++) Assert.True(bounds[i] > bounds[i - 1]);
    }

    [Fact]
    public void TiktokenBatchMatchesSingleCalls()
    {
        var e = Bundled.Get("cl100k_base");
        var texts = Enumerable.Range(0, 400).Select(i => Encoding.UTF8.GetBytes($"text {i}: " + new string('é', i % 37) + " ok <|endoftext|>")).ToArray();
        var r = BatchEncoder.Encode(e, e.AllAllowedPolicy, i => texts[i], texts.Length, 3);
        var flat = new uint[r.Total];
        r.CopyTo(flat);
        for (int i = 0; i < texts.Length; i++)
            Assert.Equal(e.Encode(Encoding.UTF8.GetString(texts[i]), e.AllAllowedPolicy), flat[(int)r.Offsets[i]..(int)r.Offsets[i + 1]]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ACancelledTokenStopsTheBatch(int threads)
    {
        int ran = 0, atCancel = -1;
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => BatchRunner.Run(100, threads, c =>
        {
            if (Interlocked.Increment(ref ran) != 5) return;
            cts.Cancel();
            // Counted after the cancel, not at 5: on a loaded machine the other threads may run on before it.
            Volatile.Write(ref atCancel, Volatile.Read(ref ran));
        }, cts.Token));
        Assert.InRange(atCancel, 5, 99);
        Assert.InRange(ran, atCancel, atCancel + threads - 1);   // at most one chunk per other thread after the cancel
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void TiktokenDecodeBatchMatchesSingleDecodes(int threads)
    {
        var e = Bundled.Get("cl100k_base");
        var rows = Enumerable.Range(0, 3000).Select(i => e.Encode($"row {i}: " + new string('中', i % 11) + " <|endoftext|>", e.AllAllowedPolicy)).ToArray();
        rows[7] = [];
        var ids = rows.SelectMany(r => r).ToArray();
        var offsets = new long[rows.Length + 1];
        for (int i = 0; i < rows.Length; i++) offsets[i + 1] = offsets[i] + rows[i].Length;
        long[] at = e.DecodeBatchOffsets(ids, offsets, threads);
        var blob = new byte[at[^1]];
        unsafe
        {
            fixed (byte* b = blob) e.DecodeBatch(ids, offsets, at, b, threads);
        }
        for (int i = 0; i < rows.Length; i++)
        {
            var one = new byte[e.DecodedLength(rows[i])];
            e.Decode(rows[i], one);
            Assert.Equal(one, blob[(int)at[i]..(int)at[i + 1]]);
        }
        ids[^1] = 1u << 30;
        Assert.Throws<KeyNotFoundException>(() => e.DecodeBatchOffsets(ids, offsets, threads));
        Assert.Throws<ArgumentException>(() => e.DecodeBatchOffsets(ids, [0, 5, 3], threads));
    }
}
