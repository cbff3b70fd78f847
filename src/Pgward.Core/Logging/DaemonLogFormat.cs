namespace Pgward.Core.Logging;

/// <summary>How a daemon writes its log lines.</summary>
public enum DaemonLogFormat
{
    /// <summary><c>2026-05-04T10:00:00.123Z INFO failover: ...</c>: a UTC timestamp, the level and the subsystem.</summary>
    Plain,

    /// <summary><c>&lt;6&gt;failover: ...</c>: systemd's journal adds the timestamp and reads the priority prefix (sd-daemon(3)),
    /// so that <c>journalctl -p warning</c> shows warnings and errors.</summary>
    Journald,
}
