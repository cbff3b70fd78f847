using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Show;

/// <summary>
/// <c>pgward cluster show</c>: reads the metadata, connects to every node, then believes the newest copy of the
/// metadata among them (<see cref="MetadataSourceChoice"/>), and lists the backup servers.
/// </summary>
public sealed class ClusterShow(OperationContext ctx)
{
    public async Task<(ClusterReport? Report, Outcome Outcome)> RunAsync(CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        var (observations, readFrom) = await ObserveNewestCopyAsync(source, await ClusterObserver.ObserveAsync(ctx.Db, source.Nodes, ct), ct);
        var backupServers = await BackupServerReader.ReadAsync(ctx.Db, observations, ct);
        return (ClusterStatusEvaluator.Evaluate(observations, readFrom) with
        {
            BackupServers = backupServers,
            LayoutWarning = VoterCountWarning.For([.. observations.Select(o => o.Node)], failoverRuns: ctx.Options.AgentToken.Length > 0),
        }, Outcome.Ok);
    }

    /// <summary>
    /// The observations under the records of the node with the newest copy, and where they were read from. The
    /// servers already observed are not asked again: only the records change, and a node the first copy did not
    /// know is observed now.
    /// </summary>
    private async Task<(IReadOnlyList<NodeObservation> Observations, string ReadFrom)> ObserveNewestCopyAsync(
        MetadataSource source, IReadOnlyList<NodeObservation> observations, CancellationToken ct)
    {
        if (MetadataSourceChoice.Choose(observations, source.NodeId) is not { } newest)
        {
            return (observations, source.ReadFrom);
        }
        if (newest.Node.NodeId == source.NodeId)
        {
            return (observations, MetadataSourceChoice.Describe(newest));
        }
        if (await TryReadNodesAsync(newest.Node, ct) is not { } nodes)
        {
            return (observations, source.ReadFrom);
        }
        var seen = observations.ToDictionary(o => o.Node.NodeId);
        var observed = await Task.WhenAll(nodes.Select(node =>
            seen.TryGetValue(node.NodeId, out var before) && before.Node.Conninfo == node.Conninfo
                ? Task.FromResult(before with { Node = node })
                : ClusterObserver.ObserveAsync(ctx.Db, node, ct)));
        return (observed, MetadataSourceChoice.Describe(newest));
    }

    private async Task<IReadOnlyList<NodeRecord>?> TryReadNodesAsync(NodeRecord node, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return null;
        }
        await using (connection)
        {
            try
            {
                var store = new MetadataStore(connection);
                return await store.SchemaExistsAsync(ct) ? await store.GetNodesAsync(ct) : null;
            }
            catch (NpgsqlException)
            {
                // It answered a moment ago; if it no longer does, the copy already read is the best there is.
                return null;
            }
        }
    }
}
