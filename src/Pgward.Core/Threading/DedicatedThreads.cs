using System.Collections.Concurrent;

namespace Pgward.Core.Threading;

/// <summary>
/// Threads of their own for CPU-bound work (compression, checksums, decoding, writes), fed from one queue. Not the
/// thread pool: the agent runs backups and restores in its own process, and CPU-bound work on the pool would delay its
/// loops (health checks, the failover messages, whose lateness is a peer's lease expiring) until the pool grows.
/// </summary>
public sealed class DedicatedThreads : IDisposable
{
    private readonly BlockingCollection<Action> queue = [];
    private readonly Thread[] threads;
    private readonly string endedMessage;

    /// <param name="threadCount">How many (at least one).</param>
    /// <param name="name">The threads' name, numbered: <c>name-0</c>, <c>name-1</c>...</param>
    /// <param name="endedMessage">The message of the <see cref="ObjectDisposedException"/> work queued too late gets.</param>
    public DedicatedThreads(int threadCount, string name, string endedMessage)
    {
        this.endedMessage = endedMessage;
        threads = new Thread[Math.Max(1, threadCount)];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Run) { IsBackground = true, Name = $"{name}-{i}" };
            threads[i].Start();
        }
    }

    public int Count => threads.Length;

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
            throw new ObjectDisposedException(nameof(DedicatedThreads), endedMessage);
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
