namespace Pgward.Failover;

/// <summary>What <c>pgward daemon status</c> shows about one agent's failover state.</summary>
/// <param name="HeardPrimary">A primary's heartbeat reached this agent since it started (or it leads): until then it
/// elects nobody automatically.</param>
public sealed record FailoverStatus(
    long Term,
    int? PrimaryId,
    bool IsLeader,
    bool Fenced,
    bool Paused,
    ElectionPhase Election,
    DateTimeOffset LastHeard,
    string? LastRefusal,
    bool HeardPrimary = true);
