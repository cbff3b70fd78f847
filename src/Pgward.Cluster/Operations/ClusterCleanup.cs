using System.Globalization;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward cluster cleanup [--keep-history DAYS] [--node-id N]</c>: deletes old rows of
/// <c>pgward.monitoring_history</c> on the primary (everything with the default of 0 days, as repmgr does).
/// </summary>
public sealed class ClusterCleanup(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(int keepHistoryDays, int? nodeId, CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return outcome;
        }
        if (nodeId is { } id && source.Nodes.All(n => n.NodeId != id))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"no node with ID {id} is registered");
        }
        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, "no node running as primary can be reached to delete monitoring history");
        }

        var deleted = await primary.Store.DeleteMonitoringHistoryAsync(TimeSpan.FromDays(keepHistoryDays), nodeId, ct);
        var scope = nodeId is { } n ? string.Create(CultureInfo.InvariantCulture, $" of node {n}") : "";
        var details = keepHistoryDays == 0
            ? $"{deleted} monitoring history records{scope} deleted"
            : $"{deleted} monitoring history records{scope} older than {keepHistoryDays} days deleted";
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(ctx.Options.NodeId, ctx.Options.NodeName, "cluster_cleanup", true, details), ct);
        ctx.Reporter.Notice(details);
        return Outcome.Ok;
    }
}
