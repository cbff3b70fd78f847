using Pgward.Backup.Files;
using Pgward.Core.Threading;

namespace Pgward.Agent.Backups;

/// <summary>
/// The cores one backup session may spend compressing: <c>parallel_jobs</c> threads of its own that compress pieces
/// of files into <see cref="Lz4BlockFrame"/> blocks, for all the session's requests at once. A 1 GiB segment is then
/// compressed by every thread rather than by the one request that reads it, and the session never uses more than the
/// cores the backup server's <c>parallel_jobs</c> gives it. <see cref="DedicatedThreads"/>, not the thread pool.
/// </summary>
public sealed class BlockCompressor(int threadCount) : IDisposable
{
    private readonly DedicatedThreads threads = new(threadCount, "pgward-backup-lz4", "the backup session ended");

    public int ThreadCount => threads.Count;

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/> (at least
    /// <see cref="Lz4BlockFrame.MaxEncodedLength"/>) on one of the threads; the task gives the bytes written. Throws
    /// <see cref="ObjectDisposedException"/> once the session ended.</summary>
    public Task<int> CompressAsync(ReadOnlyMemory<byte> input, Memory<byte> output) =>
        RunAsync(() => Lz4BlockFrame.Encode(input.Span, output.Span));

    /// <summary>Runs <paramref name="encode"/> (a compression that gives the bytes it wrote) on one of the threads.
    /// Throws <see cref="ObjectDisposedException"/> once the session ended.</summary>
    public Task<int> RunAsync(Func<int> encode) => threads.RunAsync(encode);

    /// <summary>Lets the threads finish what was queued and end.</summary>
    public void Dispose() => threads.Dispose();
}
