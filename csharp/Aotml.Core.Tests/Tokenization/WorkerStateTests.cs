using System.Collections.Concurrent;
using Aotml.Tokenization;
using Aotml.Tokenization.Models.Bpe;
using Xunit;

namespace Aotml.Core.Tests.Tokenization;

/// <summary>No other test runs beside these: they watch the process-wide stack of parked worker state.</summary>
[CollectionDefinition(nameof(WorkerStateTests), DisableParallelization = true)]
public sealed class WorkerStateCollection;

[Collection(nameof(WorkerStateTests))]
public class WorkerStateTests
{
    private static List<WordCache> WorkerCaches(object owner)
    {
        int caller = Environment.CurrentManagedThreadId;
        var seen = new ConcurrentBag<WordCache>();
        BatchRunner.Run(200, 2, _ =>
        {
            if (Environment.CurrentManagedThreadId != caller) seen.Add(WordCache.For(owner));
            Thread.Sleep(1);   // both threads take chunks
        });
        return seen.Distinct().ToList();
    }

    [Fact]
    public void TheNextCallsWorkerAdoptsTheCacheOfTheLastOne()
    {
        var owner = new object();
        var first = WorkerCaches(owner);
        Assert.Single(first);
        var second = WorkerCaches(owner);
        Assert.Same(first[0], Assert.Single(second));
    }

    [Fact]
    public void AParkedCacheDoesNotKeepItsOwnerAlive()
    {
        var weak = Park();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);
        // The cache still serves a new owner, started afresh.
        Assert.Single(WorkerCaches(new object()));
    }

    private static WeakReference Park()
    {
        var owner = new object();
        Assert.Single(WorkerCaches(owner));
        return new WeakReference(owner);
    }
}
