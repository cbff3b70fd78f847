namespace Pgward.Failover;

/// <summary>What <c>pgward daemon status</c> shows about one agent's failover state.</summary>
public sealed record FailoverStatus(
    long Term,
    int? PrimaryId,
    bool IsLeader,
    bool Fenced,
    bool Paused,
    ElectionPhase Election,
    DateTimeOffset LastHeard,
    string? LastRefusal);
