using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Witness;

/// <summary>
/// <c>pgward witness unregister [--node-id N] [--dry-run]</c>: removes the witness's record on the primary. The
/// witness's own server and its copy of the records are left alone.
/// </summary>
public sealed class WitnessUnregister(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(int? nodeId, bool dryRun, CancellationToken ct)
    {
        var (source, target, outcome) = await ClusterMetadata.FindNodeAsync(ctx, nodeId, NodeType.Witness, ct);
        if (source is null || target is null)
        {
            return outcome;
        }
        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, "no node running as primary can be reached to update the metadata");
        }
        if (dryRun)
        {
            ctx.Reporter.Info($"would unregister witness {target.Describe()}");
            return Outcome.Ok;
        }
        await primary.Store.DeleteNodeAsync(target.NodeId, ct);
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(target.NodeId, target.NodeName, "witness_unregister", true,
            $"witness {target.Describe()} unregistered"), ct);
        ctx.Reporter.Notice($"witness {target.Describe()} unregistered");
        return Outcome.Ok;
    }
}
