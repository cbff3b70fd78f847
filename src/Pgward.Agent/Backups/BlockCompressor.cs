using System.Collections.Concurrent;
using Pgward.Backup.Files;

namespace Pgward.Agent.Backups;

/// <summary>
/// The cores one backup session may spend compressing: <c>parallel_jobs</c> threads of its own that compress pieces
/// of files into <see cref="Lz4BlockFrame"/> blocks, for all the session's requests at once. A 1 GiB segment is then
/// compressed by every thread rather than by the one request that reads it, and the session never uses more than the
/// cores the backup server's <c>parallel_jobs</c> gives it. Dedicated threads, not the thread pool: CPU-bound work
/// there would delay the agent's own loops (health checks, the failover messages) until the pool grows.
/// </summary>
public sealed class BlockCompressor : IDisposable
{
    private readonly BlockingCollection<Work> queue = [];
    private readonly Thread[] threads;

    public BlockCompressor(int threadCount)
    {
        threads = new Thread[Math.Max(1, threadCount)];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Run) { IsBackground = true, Name = $"pgward-backup-lz4-{i}" };
            threads[i].Start();
        }
    }

    public int ThreadCount => threads.Length;

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/> (at least
    /// <see cref="Lz4BlockFrame.MaxEncodedLength"/>) on one of the threads; the task gives the bytes written. Throws
    /// <see cref="ObjectDisposedException"/> once the session ended.</summary>
    public Task<int> CompressAsync(ReadOnlyMemory<byte> input, Memory<byte> output) =>
        RunAsync(() => Lz4BlockFrame.Encode(input.Span, output.Span));

    /// <summary>Runs <paramref name="encode"/> (a compression that gives the bytes it wrote) on one of the threads.
    /// Throws <see cref="ObjectDisposedException"/> once the session ended.</summary>
    public Task<int> RunAsync(Func<int> encode)
    {
        var work = new Work(encode, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            queue.Add(work);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(BlockCompressor), "the backup session ended");
        }
        return work.Done.Task;
    }

    /// <summary>Lets the threads finish what was queued and end.</summary>
    public void Dispose() => queue.CompleteAdding();

    private void Run()
    {
        foreach (var work in queue.GetConsumingEnumerable())
        {
            try
            {
                work.Done.SetResult(work.Encode());
            }
            catch (Exception e)
            {
                work.Done.SetException(e);
            }
        }
    }

    private sealed record Work(Func<int> Encode, TaskCompletionSource<int> Done);
}
