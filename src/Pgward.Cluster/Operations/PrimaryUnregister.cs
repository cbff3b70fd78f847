using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward primary unregister [--node-id N] [-F] [--dry-run]</c>: removes a primary's record, typically a failed
/// former primary's. A primary that is still running as primary, or that standbys still follow, is refused unless -F.
/// </summary>
public sealed class PrimaryUnregister(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(int? nodeId, bool force, bool dryRun, CancellationToken ct)
    {
        var (source, target, outcome) = await ClusterMetadata.FindNodeAsync(ctx, nodeId, NodeType.Primary, ct);
        if (source is null || target is null)
        {
            return outcome;
        }

        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, "no node running as primary can be reached to update the metadata");
        }
        var followers = source.Nodes.Where(n => n.UpstreamNodeId == target.NodeId && n.Active).ToList();
        if (!force && primary.Node.NodeId == target.NodeId)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"{target.Describe()} is running as primary",
                hint: "use -F/--force to remove its record anyway");
        }
        if (!force && followers.Count > 0)
        {
            return Outcome.Fail(ExitCodes.BadConfig,
                $"{target.Describe()} still has registered standbys: {string.Join(", ", followers.Select(f => f.Describe()))}",
                hint: "use -F/--force to remove its record anyway");
        }
        if (dryRun)
        {
            ctx.Reporter.Info($"would unregister primary {target.Describe()}");
            return Outcome.Ok;
        }

        foreach (var follower in followers)
        {
            await primary.Store.UpsertNodeAsync(follower with { UpstreamNodeId = null }, ct);
        }
        await primary.Store.DeleteNodeAsync(target.NodeId, ct);
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(target.NodeId, target.NodeName, "primary_unregister", true,
            $"primary {target.Describe()} unregistered"), ct);
        ctx.Reporter.Notice($"primary {target.Describe()} unregistered");
        return Outcome.Ok;
    }
}
