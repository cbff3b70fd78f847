using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Failover;

/// <summary>
/// Tells the agent at once when <c>standby.signal</c> leaves the data directory: the server was promoted, by whoever.
/// What lets a steady standby tick less often (<see cref="TickCadence"/>) without seeing a promotion behind its agent's
/// back any later than its ticks used to (one interval). <see cref="Working"/> is false when the watch could not start
/// or has failed (the inotify limits, a data directory that is not there): a node whose watch does not work never
/// ticks slowly. A data directory replaced while the agent runs (a clone with <c>--force</c>) leaves the watch on the old
/// one; its ticks, every 500 ms at the slowest, still check that the signal is there.
/// </summary>
internal sealed class SignalWatch : IDisposable
{
    private readonly FileSystemWatcher? watcher;
    private volatile bool failed;

    public SignalWatch(string dataDirectory, Action removed, ILogger logger)
    {
        try
        {
            watcher = new FileSystemWatcher(dataDirectory, "standby.signal")
            {
                NotifyFilter = NotifyFilters.FileName,
                IncludeSubdirectories = false,
            };
            watcher.Deleted += (_, _) => removed();
            watcher.Renamed += (_, _) => removed();
            watcher.Error += (_, e) =>
            {
                failed = true;
                removed();
                FailoverLog.SignalWatchFailed(logger, dataDirectory, e.GetException().Message);
            };
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            watcher = null;
            FailoverLog.SignalWatchFailed(logger, dataDirectory, e.Message);
        }
    }

    /// <summary>Whether a removal is reported as it happens.</summary>
    public bool Working => watcher is not null && !failed;

    public void Dispose() => watcher?.Dispose();
}
