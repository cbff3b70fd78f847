using Pgward.Core.Threading;

namespace Pgward.Cluster.Backups;

/// <summary>
/// The threads a restore spends its CPU on (checksums, block hashes, lz4 decoding, writes): <see cref="DedicatedThreads"/>,
/// one fewer than the cores (at least one), so that the agent's failover loop keeps a core's share while it restores.
/// </summary>
public sealed class RestoreWorkers(int threadCount) : IDisposable
{
    private readonly DedicatedThreads threads = new(threadCount, "pgward-restore", "the restore ended");

    /// <summary>One fewer than the cores, at least one: a core's share stays with the process's own loops.</summary>
    public static int DefaultThreadCount => Math.Max(1, Environment.ProcessorCount - 1);

    public int ThreadCount => threads.Count;

    /// <summary>Runs <paramref name="work"/> on one of the threads (<see cref="DedicatedThreads.RunAsync{T}"/>).</summary>
    public Task<T> RunAsync<T>(Func<T> work) => threads.RunAsync(work);

    /// <summary>Lets the threads finish what was queued and end.</summary>
    public void Dispose() => threads.Dispose();
}
