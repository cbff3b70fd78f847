using System.Globalization;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;

namespace Pgward.Agent.Fencing;

/// <summary>
/// Whether the running postmaster started in standby mode: its data directory's <c>standby.signal</c> was there before
/// it started. PostgreSQL reads the file only when it starts, and removes it when it promotes, so such a server is in
/// recovery and takes no writes; the dead-man switch has nothing to stop there. The agent's fence and a restarted
/// agent start the server so (the guard), and a lapsed deadline that the switch read a moment before the agent's next
/// decision stopped that read-only server too, which then stayed down.
/// </summary>
public static class StandbyStart
{
    /// <summary>How much earlier than the write a file's mtime can read: the kernel stamps files from a clock that
    /// advances once a scheduler tick (at most 10 ms). Every start pgward makes comes later than this after the file
    /// (<see cref="Cluster.LocalServer.StandbySignalSeparation"/>). The guard sets its mtime itself after the rename (see
    /// <see cref="Failover.PrimaryGuard"/>); other writers (a clone, an operator's <c>touch</c>) do not.</summary>
    public static readonly TimeSpan WriteStampSlack = TimeSpan.FromMilliseconds(10);

    /// <param name="signalWritten">When <c>standby.signal</c> was last written; null when there is none.</param>
    /// <param name="earliestStart">The earliest the postmaster can have started; null when unknown. A write within
    /// <see cref="WriteStampSlack"/> of it counts as not before: unknown, so the switch acts as it would without this
    /// rule.</param>
    public static bool Decide(DateTimeOffset? signalWritten, DateTimeOffset? earliestStart) =>
        signalWritten is { } written && earliestStart is { } started && written + WriteStampSlack < started;

    /// <summary><see cref="Decide"/> on the files of <paramref name="dataDirectory"/>; false when either cannot be read.
    /// The start comes from /proc, to a clock tick, or else from <c>postmaster.pid</c>, to a second.</summary>
    /// <param name="time">The wall clock the file's mtime is on (the system's).</param>
    public static bool Read(string dataDirectory, TimeProvider time)
    {
        try
        {
            var signal = Path.Combine(dataDirectory, "standby.signal");
            if (!File.Exists(signal))
            {
                return false;
            }
            var written = new DateTimeOffset(File.GetLastWriteTimeUtc(signal), TimeSpan.Zero);
            var pidFile = File.ReadAllText(Path.Combine(dataDirectory, "postmaster.pid"));
            var started = PostmasterPid.Parse(pidFile) is { } pid ? ProcessStart.Earliest(pid, time) : null;
            started ??= StartLine(pidFile) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            return Decide(written, started);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The start time from the contents of <c>postmaster.pid</c> (its third line), or null.</summary>
    public static long? StartLine(string contents)
    {
        var lines = contents.Split('\n');
        return lines.Length > 2 && long.TryParse(lines[2].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            ? started
            : null;
    }
}
