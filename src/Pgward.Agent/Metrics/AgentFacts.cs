using Pgward.Agent.Failover;
using Pgward.Cluster.Agents;

namespace Pgward.Agent.Metrics;

/// <summary>What a scrape reads from the state the agent keeps: the report <c>/node</c> would answer (from the probe
/// cache the health checks share), the failover loop's counts and lease, and the events counted.</summary>
/// <param name="ReplayAgeSeconds">A standby's <c>now() - pg_last_xact_replay_timestamp()</c>, from the same probe.</param>
/// <param name="CommitLeaseOpen">Null where no commit lease runs.</param>
public sealed record AgentFacts(
    NodeReport Report,
    bool InRecovery,
    double? ReplayAgeSeconds,
    bool? CommitLeaseOpen,
    FailoverCountsSnapshot Failover,
    IReadOnlyList<(string Event, bool Success, long Count)> Events,
    DateTimeOffset Now);
