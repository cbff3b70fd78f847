using System.Globalization;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// <c>pgward standby switchover [--candidate NODE] [--siblings-follow] [--force-rewind] [--dry-run]</c>: makes a
/// streaming standby the primary and the primary its standby, through the nodes' agents. The checks come first and
/// refuse with every reason; then <see cref="SwitchoverOrchestrator"/> runs the steps and rolls back on failure.
/// </summary>
public sealed class StandbySwitchover(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(SwitchoverRequest request, CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return outcome;
        }
        var (plan, refusal) = Plan(source.Nodes, request);
        if (plan is null)
        {
            return refusal!;
        }
        ctx.Reporter.Notice($"{plan.Candidate.Describe()} will be promoted to primary; current primary {plan.Primary.Describe()} will be demoted to standby");

        using var agents = new AgentClient(ctx.Options, ctx.Time);
        var facts = await GatherAsync(plan, agents, ct);
        var problems = SwitchoverPrecheck.Evaluate(facts);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                ctx.Reporter.Error(problem);
            }
            return Outcome.Fail(ExitCodes.SwitchoverFailed, "prerequisites for a switchover are not met", detail: "nothing was changed");
        }
        if (request.DryRun)
        {
            // What a dry run is for: said at the default level, not only with -v.
            ctx.Reporter.Notice($"would stop {plan.Primary.Describe()}, promote {plan.Candidate.Describe()} and rejoin the old primary as its standby"
                + (plan.SiblingsFollow && plan.Siblings.Count > 0 ? $", then re-point {string.Join(", ", plan.Siblings.Select(s => s.Describe()))}" : ""));
            ctx.Reporter.Notice("prerequisites for executing STANDBY SWITCHOVER are met");
            return Outcome.Ok;
        }

        // Once the primary is stopping, Ctrl-C must not leave the cluster without one: the steps run to their own
        // deadlines (each bounded by its pgward.conf timeout) and roll back or finish.
        await using var actions = new AgentSwitchoverActions(ctx, agents, plan, request.ForceRewind);
        var result = await new SwitchoverOrchestrator(actions, ctx.Reporter).RunAsync(plan, CancellationToken.None);
        // Without a witness there is no copy to refresh: not two more connections at the end of every switchover.
        if (result.Phase == SwitchoverPhase.Done && source.Nodes.Any(n => n.Type == NodeType.Witness))
        {
            await SyncWitnessesAsync(plan, CancellationToken.None);
        }
        return result.Outcome;
    }

    private async Task SyncWitnessesAsync(SwitchoverPlan plan, CancellationToken ct)
    {
        var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
        await using var primary = source is null ? null : await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        if (primary is null)
        {
            ctx.Reporter.Warning($"the witness's copy of the node records was not updated: no primary reachable after the switchover to {plan.Candidate.Describe()}");
            return;
        }
        foreach (var problem in await Witness.WitnessSync.SyncAsync(ctx, primary, ct))
        {
            ctx.Reporter.Warning($"the witness's copy of the node records was not updated: {problem}");
        }
    }

    private (SwitchoverPlan? Plan, Outcome? Refusal) Plan(IReadOnlyList<NodeRecord> nodes, SwitchoverRequest request)
    {
        var candidate = request.Candidate is null
            ? nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId)
            : nodes.FirstOrDefault(n => n.NodeName == request.Candidate
                || (int.TryParse(request.Candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && n.NodeId == id));
        if (candidate is null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig,
                request.Candidate is null ? $"the local {ctx.LocalNode} is not registered" : $"no node \"{request.Candidate}\" is registered",
                hint: "name the standby to promote with --candidate (node ID or name)"));
        }
        if (nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active) is not { } primary)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, "no active primary is registered",
                hint: "a switchover needs a running primary; use \"pgward standby promote\" when it is gone"));
        }
        var siblings = nodes
            .Where(n => n.Type == NodeType.Standby && n.Active && n.NodeId != candidate.NodeId && n.UpstreamNodeId == primary.NodeId)
            .ToList();
        return (new SwitchoverPlan(primary, candidate, siblings, request.SiblingsFollow), null);
    }

    private async Task<SwitchoverFacts> GatherAsync(SwitchoverPlan plan, AgentClient agents, CancellationToken ct)
    {
        var primary = ProbeAsync(plan.Primary, ct);
        var candidate = ProbeAsync(plan.Candidate, ct);
        var involved = SwitchoverPrecheck.InvolvedNodes(plan).ToList();
        var answers = Task.WhenAll(involved.Select(async n =>
            (n.NodeId, Up: n.AgentUrl is { } url && (await agents.GetHealthAsync(url, "liveness", ct)).Succeeded)));
        var siblings = Task.WhenAll(SwitchoverPrecheck.FollowingSiblings(plan).Select(async n => (n.NodeId, Up: await AcceptsConnectionsAsync(n, ct))));
        var access = Task.WhenAll(involved.Select(async n => (n.NodeId, Problem: await AgentAccess.ProblemAsync(agents, n.AgentUrl, ctx.Options.AgentToken, ct))));
        return new SwitchoverFacts(plan, await primary, await candidate,
            (await answers).Where(a => a.Up).Select(a => a.NodeId).ToHashSet(),
            (await siblings).Where(s => s.Up).Select(s => s.NodeId).ToHashSet(),
            ctx.Options.MaximumLagOnFailover,
            (await access).Where(a => a.Problem is not null).ToDictionary(a => a.NodeId, a => a.Problem!));
    }

    private async Task<bool> AcceptsConnectionsAsync(NodeRecord node, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return false;
        }
        await connection.DisposeAsync();
        return true;
    }

    private async Task<ServerFacts?> ProbeAsync(NodeRecord node, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return null;
        }
        await using (connection)
        {
            return await ServerProbe.ReadAsync(connection, ct);
        }
    }
}
