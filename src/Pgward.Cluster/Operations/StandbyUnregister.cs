using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward standby unregister [--node-id N] [--dry-run]</c>: removes a standby's record. Replication itself is
/// untouched; with --node-id it works from any node, e.g. when the standby is gone.
/// </summary>
public sealed class StandbyUnregister(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(int? nodeId, bool dryRun, CancellationToken ct)
    {
        var (source, target, outcome) = await ClusterMetadata.FindNodeAsync(ctx, nodeId, NodeType.Standby, ct);
        if (source is null || target is null)
        {
            return outcome;
        }
        var followers = source.Nodes.Where(n => n.UpstreamNodeId == target.NodeId && n.Type == NodeType.Standby).ToList();
        if (followers.Count > 0)
        {
            return Outcome.Fail(ExitCodes.BadConfig,
                $"{target.Describe()} is the upstream of {string.Join(", ", followers.Select(f => f.Describe()))}",
                hint: "re-point or unregister those standbys first");
        }

        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, "no node running as primary can be reached to update the metadata");
        }
        if (dryRun)
        {
            ctx.Reporter.Info($"would unregister standby {target.Describe()}");
            return Outcome.Ok;
        }
        await primary.Store.DeleteNodeAsync(target.NodeId, ct);
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(target.NodeId, target.NodeName, "standby_unregister", true,
            $"standby {target.Describe()} unregistered"), ct);
        ctx.Reporter.Notice($"standby {target.Describe()} unregistered");
        return Outcome.Ok;
    }
}
