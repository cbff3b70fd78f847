namespace Pgward.Agent.Failover;

/// <summary>The <see cref="FailoverCounts"/> at one scrape.</summary>
/// <param name="FailoverPromotions">Promotions of this node by an election it began when the primary failed.</param>
/// <param name="SwitchoverPromotions">Promotions of this node on request: a switchover, or <c>standby promote</c>.</param>
/// <param name="LastHeartbeat">When this node last accepted a heartbeat of the primary; null on a primary, or before any.</param>
public sealed record FailoverCountsSnapshot(long Elections, long FailoverPromotions, long SwitchoverPromotions,
    double? LastFailoverSeconds, double? LastSwitchoverSeconds, DateTimeOffset? LastHeartbeat)
{
    /// <summary>Renewals of this leader's lease with little of it left (<see cref="Fencing.LeaseMargins"/>).</summary>
    public long LateRenewals { get; init; }
}
