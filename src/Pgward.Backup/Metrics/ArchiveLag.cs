using Pgward.Core.Postgres;

namespace Pgward.Backup.Metrics;

/// <summary>How far the WAL archive is behind the primary; either part null when unknown.</summary>
public sealed record ArchiveLag(long? Bytes, double? Seconds)
{
    public static readonly ArchiveLag Unknown = new(null, null);

    /// <summary>
    /// From the primary's <c>pg_current_wal_lsn()</c> (<paramref name="current"/>), the receiver's row of
    /// <c>pg_stat_replication</c> while it streams (<paramref name="flushed"/>, <paramref name="flushLagSeconds"/>), else
    /// the slot's <c>restart_lsn</c> (<paramref name="slotRestart"/>), what the receiver last reported flushed. Seconds: 0
    /// when caught up; the flush_lag while streaming (null there when idle); else the time since WAL last arrived.
    /// </summary>
    public static ArchiveLag From(Lsn? current, Lsn? flushed, double? flushLagSeconds, Lsn? slotRestart, DateTimeOffset? lastArrival, DateTimeOffset now)
    {
        if (current is not { } primary || (flushed ?? slotRestart) is not { } archived)
        {
            return Unknown;
        }
        var bytes = Math.Max(0, primary - archived);
        var seconds = bytes == 0 ? 0
            : flushed is not null && flushLagSeconds is { } lag ? lag
            : lastArrival is { } arrived ? Math.Max(0, (now - arrived).TotalSeconds)
            : (double?)null;
        return new ArchiveLag(bytes, seconds);
    }
}
