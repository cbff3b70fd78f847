using Pgward.Core.Postgres;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// What the pre-checks look at: the plan, what each server reported (null when it could not be queried), which
/// agents answered, which siblings' servers accepted a connection, and why an agent that answers cannot be asked to act
/// (by node ID: it refuses this node's agent_token; see <see cref="Agents.AgentAccess"/>).
/// </summary>
public sealed record SwitchoverFacts(
    SwitchoverPlan Plan,
    ServerFacts? Primary,
    ServerFacts? Candidate,
    IReadOnlySet<int> ReachableAgents,
    IReadOnlySet<int> RunningSiblings,
    long MaximumLagBytes,
    IReadOnlyDictionary<int, string>? AgentProblems = null);
