namespace Aotml.Tokenization;

/// <summary>
/// What a thread keeps between texts (word caches, scratch buffers), handed from the worker threads of one batch
/// call to those of the next. <see cref="BatchRunner"/> creates its workers per call (nothing may outlive a call:
/// fork), so without this every worker starts with cold caches while the calling thread's stay warm, and two
/// threads ran at 1.1-1.5x one on llama3.
/// </summary>
/// <remarks>
/// Each slot says how to take a cache's thread-static value from a thread and how to give one to a thread (the
/// caches are listed here rather than registering themselves: a static constructor on them would put an
/// initialization check on their hot paths). A worker adopts the most recently parked set when it starts and parks what it
/// holds when it ends. Sets are plain objects: no thread, lock or handle survives a call, so fork stays safe.
/// Owners (models, encodings) travel as weak references, so a parked cache never keeps a dropped tokenizer alive.
/// </remarks>
internal static class WorkerState
{
    private const int MaxParked = 8;   // more than the threads a 2-16 core machine runs at once
    private static readonly Lock s_lock = new();
    private static readonly (Func<object?> Take, Action<object?> Give)[] s_slots =
    [
        (Models.Bpe.WordCache.TakeFromThread, Models.Bpe.WordCache.GiveToThread),
        (FastPipeline.TakeScratchFromThread, FastPipeline.GiveScratchToThread),
        (Tiktoken.PieceCache.TakeFromThread, Tiktoken.PieceCache.GiveToThread),
    ];
    private static readonly Stack<object?[]> s_parked = new();

    /// <summary>Gives this (new) thread the state parked last, if any.</summary>
    public static void Adopt()
    {
        object?[]? set;
        lock (s_lock)
            if (!s_parked.TryPop(out set)) return;
        for (int i = 0; i < set.Length; i++)
            if (set[i] != null) s_slots[i].Give(set[i]);
    }

    /// <summary>Parks what this (ending) thread holds, for the next call's workers.</summary>
    public static void Park()
    {
        var set = new object?[s_slots.Length];
        bool any = false;
        for (int i = 0; i < set.Length; i++) any |= (set[i] = s_slots[i].Take()) != null;
        if (!any) return;
        lock (s_lock)
            if (s_parked.Count < MaxParked) s_parked.Push(set);
    }
}
