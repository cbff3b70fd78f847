namespace Pgward.Core.Systemd;

/// <summary>
/// Which notification a daemon sends its service manager now, pure (time passed in): <c>READY=1</c> once the daemon has
/// done what makes it useful (the agent has looked at its server), <c>WATCHDOG=1</c> every half watchdog interval while
/// no supervised loop is stuck, so that a stuck loop gets the process restarted (<c>WatchdogSec</c>), <c>STATUS=</c>
/// when what <c>systemctl status</c> should say changes, and <c>STOPPING=1</c> once when it stops.
/// </summary>
/// <param name="watchdog">The service's watchdog interval (<c>WATCHDOG_USEC</c>); null when it has none.</param>
public sealed class NotifyPolicy(TimeSpan? watchdog)
{
    private bool readySent;
    private bool stopping;
    private TimeSpan? lastPing;
    private string? lastStatus;

    /// <summary>How often a healthy daemon pings: half the watchdog interval, as sd_watchdog_enabled(3) advises.</summary>
    public TimeSpan? PingInterval => watchdog / 2;

    /// <summary>The notification to send at <paramref name="now"/> (any monotonic clock), or null for none.</summary>
    /// <param name="ready">Whether the daemon is ready (stays true once it was).</param>
    /// <param name="stuck">The supervised loops that are stuck, one line each; empty when all beat in time.</param>
    public string? Next(TimeSpan now, bool ready, IReadOnlyList<string> stuck)
    {
        if (stopping)
        {
            return null;
        }
        var lines = new List<string>();
        if (ready && !readySent)
        {
            readySent = true;
            lines.Add("READY=1");
        }
        var status = stuck.Count > 0 ? $"STATUS=stuck: {string.Join("; ", stuck)}; watchdog pings withheld so that the service manager restarts pgward"
            : readySent ? "STATUS=running"
            : "STATUS=starting";
        if (status != lastStatus)
        {
            lastStatus = status;
            lines.Add(status);
        }
        // A stuck loop withholds the ping: a process whose loop hangs answers on every other thread, and only the
        // missing ping lets the service manager see it.
        if (PingInterval is { } every && stuck.Count == 0 && (lastPing is not { } last || now - last >= every))
        {
            lastPing = now;
            lines.Add("WATCHDOG=1");
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    /// <summary>The notification that the daemon is stopping, once; then nothing more.</summary>
    public string? Stop()
    {
        if (stopping)
        {
            return null;
        }
        stopping = true;
        return "STOPPING=1\nSTATUS=stopping";
    }
}
