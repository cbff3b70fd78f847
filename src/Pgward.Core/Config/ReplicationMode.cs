namespace Pgward.Core.Config;

/// <summary>The <c>replication_mode</c> setting.</summary>
public enum ReplicationMode
{
    /// <summary>Asynchronous streaming replication; a failover may lose up to <c>maximum_lag_on_failover</c> bytes.</summary>
    Async,
    /// <summary>Synchronous replication; a failover never loses an acknowledged commit.</summary>
    Sync,
}
