namespace Pgward.Cluster.Rejoin;

/// <summary>How <c>pg_rewind --dry-run</c> ended.</summary>
public enum RewindProbeResult
{
    /// <summary>The target is an ancestor of the source, or on the same timeline: it can attach as it is.</summary>
    NoRewindRequired,
    /// <summary>The target has WAL past the fork; pg_rewind would copy the changed blocks.</summary>
    RewindRequired,
    /// <summary>Neither data checksums nor wal_log_hints: pg_rewind refuses.</summary>
    NoHints,
    /// <summary>WAL that pg_rewind must read on the target is gone.</summary>
    MissingWal,
    /// <summary>
    /// The target was not shut down cleanly. pg_rewind's real run completes crash recovery first (PostgreSQL 13+), but its
    /// dry run skips that and then stops at this check (seen on PostgreSQL 15), so it cannot tell more.
    /// </summary>
    NotShutDownCleanly,
    /// <summary>Any other failure (connection, permissions, different system).</summary>
    Failed,
}
