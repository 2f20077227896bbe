namespace Aotml.Tiktoken;

/// <summary>
/// Encodes many texts on an explicit number of threads created for the call (no ThreadPool: its workers do not
/// survive fork()). Texts are grouped into contiguous chunks that the threads take in turn; each chunk has its own
/// output buffer, and the buffers concatenate in text order.
/// </summary>
public static class BatchEncoder
{
    /// <summary>Returns text <c>i</c> as UTF-8; must be callable from any thread during the call.</summary>
    public delegate ReadOnlySpan<byte> TextAt(int index);

    /// <summary>The tokens of a batch: per-range buffers in text order, and offsets (count + 1) into the flat ids.</summary>
    public sealed class Result
    {
        internal readonly uint[][] Parts;
        internal readonly long[] PartLengths;

        /// <summary>Token offsets: text i has ids [Offsets[i], Offsets[i + 1]) of the flat array.</summary>
        public long[] Offsets { get; }

        /// <summary>Total number of tokens.</summary>
        public long Total => Offsets[^1];

        internal Result(uint[][] parts, long[] partLengths, long[] offsets) { Parts = parts; PartLengths = partLengths; Offsets = offsets; }

        /// <summary>Copies the flat ids into <paramref name="dest"/> (at least <see cref="Total"/> long).</summary>
        public void CopyTo(Span<uint> dest)
        {
            int at = 0;
            for (int p = 0; p < Parts.Length; p++)
            {
                Parts[p].AsSpan(0, (int)PartLengths[p]).CopyTo(dest[at..]);
                at += (int)PartLengths[p];
            }
        }
    }

    /// <summary>Encodes <paramref name="count"/> texts with <paramref name="threads"/> threads (1 = the calling thread).</summary>
    public static unsafe Result Encode(TiktokenEncoding enc, SpecialPolicy policy, TextAt texts, int count, int threads)
    {
        if (count < 0) throw new ArgumentException("negative text count");
        if (threads < 1) throw new ArgumentException($"num_threads must be at least 1, got {threads}");
        long totalBytes = 0;
        var lens = new long[count];
        for (int i = 0; i < count; i++) { lens[i] = texts(i).Length; totalBytes += lens[i]; }
        threads = (int)Math.Min(threads, Math.Max(1, Math.Min(count, totalBytes / 4096 + 1)));

        // Contiguous ranges of texts ("chunks"), several per thread, taken by whichever thread is free: texts differ
        // in cost per byte (CJK merges are slower than English), so a static split would leave one thread waiting.
        long target = Math.Max(16 * 1024, totalBytes / (threads * 8L) + 1);
        var bounds = new List<int> { 0 };
        long acc = 0;
        for (int i = 0; i < count; i++)
        {
            acc += lens[i];
            if (acc >= target && i + 1 < count) { bounds.Add(i + 1); acc = 0; }
        }
        bounds.Add(count);
        int chunks = bounds.Count - 1;

        var counts = new long[count];
        var parts = new uint[chunks][];
        var partLengths = new long[chunks];
        var errors = new (int Index, Exception Error)?[chunks];
        int nextChunk = -1;

        void EncodeChunk(int c)
        {
            int lo = bounds[c], hi = bounds[c + 1];
            long cap = 0;
            for (int i = lo; i < hi; i++) cap += lens[i];
            if (cap > Array.MaxLength) throw new ArgumentException("a single text exceeds 2**31 bytes");
            var buf = GC.AllocateUninitializedArray<uint>((int)cap);
            long at = 0;
            fixed (uint* p = buf)
            {
                for (int i = lo; i < hi; i++)
                {
                    try
                    {
                        var sink = new PointerSink(p + at, cap - at);
                        enc.Encode(texts(i), policy, ref sink);
                        counts[i] = sink.Count;
                        at += sink.Count;
                    }
                    catch (Exception e) { errors[c] = (i, e); break; }
                }
            }
            parts[c] = buf;
            partLengths[c] = at;
        }

        void Work()
        {
            int c;
            while ((c = Interlocked.Increment(ref nextChunk)) < chunks) EncodeChunk(c);
        }

        if (threads == 1) Work();
        else
        {
            var pool = new Thread[threads - 1];
            for (int w = 0; w < pool.Length; w++)
            {
                pool[w] = new Thread(Work) { IsBackground = true, Name = "aotml-tiktoken" };
                pool[w].Start();
            }
            Work();
            foreach (var th in pool) th.Join();
        }

        // The error of the first failing text wins, as a sequential loop would report it.
        (int Index, Exception Error)? first = null;
        foreach (var e in errors)
            if (e is { } x && (first is null || x.Index < first.Value.Index)) first = x;
        if (first is { } f) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(f.Error);

        var offsets = new long[count + 1];
        for (int i = 0; i < count; i++) offsets[i + 1] = offsets[i] + counts[i];
        return new Result(parts, partLengths, offsets);
    }
}
