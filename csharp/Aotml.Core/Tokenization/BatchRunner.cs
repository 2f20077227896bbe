using System.Runtime.ExceptionServices;

namespace Aotml.Tokenization;

/// <summary>
/// Runs a batch of work items on an explicit number of threads created for the call and joined before it returns:
/// no ThreadPool and nothing that outlives the call, because pool workers do not survive fork(). Items are grouped
/// into contiguous chunks of similar size that the threads take in turn; the caller gives each chunk its own output.
/// </summary>
public static class BatchRunner
{
    /// <summary>Chunks smaller than this are not worth a hand-over between threads.</summary>
    public const long MinChunkSize = 16 * 1024;

    /// <summary>
    /// Chunk bounds for items of the given sizes (bytes, or any cost measure): chunk c holds items
    /// [bounds[c], bounds[c + 1]). <paramref name="threads"/> comes back lowered to what the work can use.
    /// </summary>
    /// <remarks>
    /// Several chunks per thread, taken by whichever thread is free: items differ in cost per byte (CJK merges are
    /// slower than English), so a static split would leave one thread waiting for another.
    /// </remarks>
    public static int[] Plan(ReadOnlySpan<long> sizes, ref int threads)
    {
        if (threads < 1) throw new ArgumentException($"num_threads must be at least 1, got {threads}");
        long total = 0;
        foreach (long s in sizes) total += s;
        int count = sizes.Length;
        threads = (int)Math.Min(threads, Math.Max(1, Math.Min(count, total / 4096 + 1)));
        long target = Math.Max(MinChunkSize, total / (threads * 8L) + 1);
        var bounds = new List<int>(threads * 8 + 2) { 0 };
        long acc = 0;
        for (int i = 0; i < count; i++)
        {
            acc += sizes[i];
            if (acc >= target && i + 1 < count) { bounds.Add(i + 1); acc = 0; }
        }
        bounds.Add(count);
        return bounds.ToArray();
    }

    /// <summary>
    /// Calls <paramref name="chunk"/> once for every chunk index in [0, <paramref name="chunks"/>), on
    /// <paramref name="threads"/> threads (1 = only the calling thread, which always takes part).
    /// </summary>
    /// <remarks>
    /// Failures surface as a sequential loop would report them: the exception of the lowest failing chunk is
    /// rethrown (with its stack trace) after every thread has finished, and chunks after a failed one are skipped.
    /// A chunk should therefore stop at its first failing item. <paramref name="cancel"/> is checked before each
    /// chunk: once it is set, the remaining chunks fail with OperationCanceledException, so a cancelled call returns
    /// within one chunk per thread.
    /// </remarks>
    public static void Run(int chunks, int threads, Action<int> chunk, CancellationToken cancel = default)
    {
        if (chunks < 0) throw new ArgumentException("negative chunk count");
        if (threads < 1) throw new ArgumentException($"num_threads must be at least 1, got {threads}");
        var errors = new Exception?[chunks];
        int next = -1;
        int firstFailed = int.MaxValue;

        void Work()
        {
            int c;
            while ((c = Interlocked.Increment(ref next)) < chunks)
            {
                if (c > Volatile.Read(ref firstFailed)) continue;   // its result would be thrown away
                try
                {
                    cancel.ThrowIfCancellationRequested();
                    chunk(c);
                }
                catch (Exception e)
                {
                    errors[c] = e;
                    int seen;
                    while (c < (seen = Volatile.Read(ref firstFailed)) && Interlocked.CompareExchange(ref firstFailed, c, seen) != seen) { }
                }
            }
        }

        threads = Math.Min(threads, Math.Max(1, chunks));
        if (threads == 1) Work();
        else
        {
            var pool = new Thread[threads - 1];
            for (int w = 0; w < pool.Length; w++)
            {
                pool[w] = new Thread(() =>
                {
                    WorkerState.Adopt();
                    try { Work(); }
                    finally { WorkerState.Park(); }
                }) { IsBackground = true, Name = "aotml-batch" };
                pool[w].Start();
            }
            Work();
            foreach (var th in pool) th.Join();
        }
        if (firstFailed != int.MaxValue) ExceptionDispatchInfo.Throw(errors[firstFailed]!);
    }
}
