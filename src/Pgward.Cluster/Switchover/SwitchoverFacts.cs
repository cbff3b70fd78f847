using Pgward.Core.Postgres;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// What the pre-checks look at: the plan, what each server reported (null when it could not be queried) and
/// which agents answered.
/// </summary>
public sealed record SwitchoverFacts(
    SwitchoverPlan Plan,
    ServerFacts? Primary,
    ServerFacts? Candidate,
    IReadOnlySet<int> ReachableAgents,
    long MaximumLagBytes);
