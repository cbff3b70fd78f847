using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// A stretch of WAL to stream on one timeline: from <paramref name="From"/> up to <paramref name="Until"/>, where an
/// old timeline ended (its switch point), or with no end on the server's current timeline.
/// </summary>
public sealed record TimelineLeg(uint Timeline, Lsn From, Lsn? Until)
{
    public bool IsHistoric => Until is not null;
}
