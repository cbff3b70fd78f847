using System.Collections.Concurrent;

namespace Pgward.Cluster.Backups;

/// <summary>
/// The threads a restore spends its CPU on (checksums, block hashes, lz4 decoding, writes): dedicated threads, not the
/// thread pool, and one fewer than the cores (at least one). The agent runs restores in its own process: CPU-bound work
/// on the pool would delay its failover loop's heartbeats until the pool grows, and a late heartbeat is a peer's lease
/// expiring. Like the backup side's compressor threads (<c>BlockCompressor</c>).
/// </summary>
public sealed class RestoreWorkers : IDisposable
{
    private readonly BlockingCollection<Action> queue = [];
    private readonly Thread[] threads;

    public RestoreWorkers(int threadCount)
    {
        threads = new Thread[Math.Max(1, threadCount)];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Run) { IsBackground = true, Name = $"pgward-restore-{i}" };
            threads[i].Start();
        }
    }

    /// <summary>One fewer than the cores, at least one: a core's share stays with the process's own loops.</summary>
    public static int DefaultThreadCount => Math.Max(1, Environment.ProcessorCount - 1);

    public int ThreadCount => threads.Length;

    /// <summary>Runs <paramref name="work"/> on one of the threads; the task gives its result or its exception. Throws
    /// <see cref="ObjectDisposedException"/> once disposed.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            queue.Add(() =>
            {
                try
                {
                    done.SetResult(work());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(RestoreWorkers), "the restore ended");
        }
        return done.Task;
    }

    /// <summary>Lets the threads finish what was queued and end.</summary>
    public void Dispose() => queue.CompleteAdding();

    private void Run()
    {
        foreach (var work in queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
