using Pgward.Core;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Operations;

/// <summary><c>pgward cluster event</c>: the event log, newest first, from any reachable node's copy.</summary>
public sealed class ClusterEvents(OperationContext ctx)
{
    public async Task<(IReadOnlyList<EventRecord>? Events, Outcome Outcome)> RunAsync(EventFilter filter, CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        foreach (var node in source.Nodes.OrderByDescending(n => n.NodeId == ctx.Options.NodeId))
        {
            var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
            if (attempt.Connection is { } connection)
            {
                await using (connection)
                {
                    return (await new MetadataStore(connection).GetEventsAsync(filter, ct), Outcome.Ok);
                }
            }
        }
        return (null, Outcome.Fail(ExitCodes.DbConnection, "no registered node can be reached to read the event log"));
    }
}
