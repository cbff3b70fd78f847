using Pgward.Core.Postgres;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// What the pre-checks look at: the plan, what each server reported (null when it could not be queried), which
/// agents answered and which siblings' servers accepted a connection.
/// </summary>
public sealed record SwitchoverFacts(
    SwitchoverPlan Plan,
    ServerFacts? Primary,
    ServerFacts? Candidate,
    IReadOnlySet<int> ReachableAgents,
    IReadOnlySet<int> RunningSiblings,
    long MaximumLagBytes);
