using System.Globalization;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// Why a switchover must not start, every reason at once; an empty list means go. Pure: the cluster is unchanged
/// whatever this says.
/// </summary>
public static class SwitchoverPrecheck
{
    public static IReadOnlyList<string> Evaluate(SwitchoverFacts facts)
    {
        var problems = new List<string>();
        var plan = facts.Plan;
        var primary = plan.Primary.Describe();
        var candidate = plan.Candidate.Describe();

        if (plan.Candidate.NodeId == plan.Primary.NodeId)
        {
            problems.Add($"{candidate} is already the primary");
            return problems;
        }
        if (plan.Candidate.Type != NodeType.Standby)
        {
            problems.Add($"{candidate} is registered as {plan.Candidate.Type.ToName()}; only a standby can be promoted");
        }
        if (facts.Primary is not { } p)
        {
            problems.Add($"the current primary {primary} cannot be reached; a switchover needs it (use \"pgward standby promote\" when it is gone)");
        }
        else if (p.InRecovery)
        {
            problems.Add($"{primary} is registered as primary but runs as a standby");
        }
        if (facts.Candidate is not { } c)
        {
            problems.Add($"{candidate} cannot be reached");
        }
        else if (!c.InRecovery)
        {
            problems.Add($"{candidate} is not in recovery (it already runs as a primary)");
        }
        else if (facts.Primary is { InRecovery: false } running)
        {
            CheckStreaming(facts, running, c, problems);
        }
        if (facts.Candidate is { InRecovery: true, ApplyDelay: var delay } && delay > TimeSpan.Zero)
        {
            // Promoted, it first replays all it holds back, with the old primary already stopped: a write outage as long as
            // that replay, where a switchover's is a fraction of a second, and the delayed copy is gone anyway.
            problems.Add($"{candidate} is a delayed standby (recovery_min_apply_delay = {Core.Config.ApplyDelays.Format(delay)}): "
                + "promoted, it would first replay the WAL it holds back while no primary takes writes; reset the delay on it "
                + "(ALTER SYSTEM RESET recovery_min_apply_delay; SELECT pg_reload_conf()) and let it catch up, or choose another --candidate");
        }
        foreach (var node in InvolvedNodes(plan).Where(n => !facts.ReachableAgents.Contains(n.NodeId)))
        {
            problems.Add($"the agent of {node.Describe()} does not answer at {node.AgentUrl ?? "(no agent_url registered)"}; start it with \"pgward daemon start\" on that node");
        }
        // A problem of this node's own (no agent_token) is the same for every agent: said once.
        foreach (var refusing in InvolvedNodes(plan)
                     .Where(n => facts.ReachableAgents.Contains(n.NodeId) && facts.AgentProblems?.ContainsKey(n.NodeId) == true)
                     .GroupBy(n => facts.AgentProblems![n.NodeId]))
        {
            problems.Add($"{string.Join(", ", refusing.Select(n => n.Describe()))} cannot be asked to act: {refusing.Key}");
        }
        // Only a running standby can be re-pointed: a stopped sibling would fail the last step, after the promotion,
        // and leave the switchover half done (exit 22). Refuse while nothing has changed yet.
        foreach (var sibling in FollowingSiblings(plan).Where(s => !facts.RunningSiblings.Contains(s.NodeId)))
        {
            problems.Add($"sibling {sibling.Describe()} is not running (its server does not accept connections), so it cannot follow the new primary; "
                + "start it, or leave out --siblings-follow and re-point it later with \"pgward standby follow\"");
        }
        return problems;
    }

    private static void CheckStreaming(SwitchoverFacts facts, Core.Postgres.ServerFacts primary, Core.Postgres.ServerFacts candidate, List<string> problems)
    {
        var name = facts.Plan.Candidate.NodeName;
        if (!primary.Downstream.Any(d => d.ApplicationName == name && d.State == "streaming"))
        {
            problems.Add($"{facts.Plan.Candidate.Describe()} is not streaming from {facts.Plan.Primary.Describe()}");
            return;
        }
        if (primary.ReceiveLsn is { } written && candidate.ReplayLsn is { } replayed)
        {
            var lag = Math.Max(0, written - replayed);
            if (lag > facts.MaximumLagBytes)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{facts.Plan.Candidate.Describe()} replays {lag} bytes behind the primary, more than maximum_lag_on_failover ({facts.MaximumLagBytes} bytes)"));
            }
        }
    }

    /// <summary>The nodes whose agents act in the switchover: the primary, the candidate, and the siblings that follow.</summary>
    public static IEnumerable<NodeRecord> InvolvedNodes(SwitchoverPlan plan) =>
        new[] { plan.Primary, plan.Candidate }.Concat(FollowingSiblings(plan));

    /// <summary>The siblings the switchover re-points to the new primary: none without --siblings-follow.</summary>
    public static IReadOnlyList<NodeRecord> FollowingSiblings(SwitchoverPlan plan) => plan.SiblingsFollow ? plan.Siblings : [];
}
