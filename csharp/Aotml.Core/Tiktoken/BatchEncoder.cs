namespace Aotml.Tiktoken;

/// <summary>
/// Encodes many texts on an explicit number of threads created for the call (no ThreadPool: its workers do not
/// survive fork()). Texts are split into contiguous ranges of about equal byte counts, one per thread, so the
/// results concatenate in order without a merge step.
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

        // Range w covers texts [bounds[w], bounds[w + 1]).
        var bounds = new int[threads + 1];
        long cum = 0;
        int t = 0;
        for (int w = 1; w < threads; w++)
        {
            long target = totalBytes * w / threads;
            while (t < count && cum + lens[t] <= target) cum += lens[t++];
            bounds[w] = Math.Max(t, bounds[w - 1]);
        }
        bounds[threads] = count;

        var counts = new long[count];
        var parts = new uint[threads][];
        var partLengths = new long[threads];
        var errors = new (int Index, Exception Error)?[threads];

        void Work(int w)
        {
            int lo = bounds[w], hi = bounds[w + 1];
            long cap = 0;
            for (int i = lo; i < hi; i++) cap += lens[i];
            if (cap > Array.MaxLength) throw new ArgumentException("a batch range exceeds 2**31 bytes; use more threads or smaller batches");
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
                    catch (Exception e) { errors[w] = (i, e); break; }
                }
            }
            parts[w] = buf;
            partLengths[w] = at;
        }

        if (threads == 1) Work(0);
        else
        {
            var pool = new Thread[threads - 1];
            for (int w = 1; w < threads; w++)
            {
                int id = w;
                pool[w - 1] = new Thread(() => Work(id)) { IsBackground = true, Name = "aotml-tiktoken" };
                pool[w - 1].Start();
            }
            Work(0);
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
