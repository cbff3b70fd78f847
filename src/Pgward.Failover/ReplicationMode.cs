namespace Pgward.Failover;

/// <summary>pgward's <c>replication_mode</c>.</summary>
public enum ReplicationMode
{
    /// <summary>Commits are acknowledged before any standby has them; a failover may lose up to
    /// <see cref="FailoverOptions.MaximumLagOnFailover"/> bytes.</summary>
    Async,

    /// <summary>Commits are acknowledged only after <c>ANY k</c> standbys flushed them; a standby is promoted
    /// only when it provably holds every acknowledged commit.</summary>
    Sync,
}
