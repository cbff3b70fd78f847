using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Operations;

/// <summary>
/// What a promotion changes in the node records: the new primary active with no upstream, the former primary inactive,
/// the witnesses' upstream the new primary. Written by <c>standby promote</c> right after the server is writable, and
/// by the leader's agent when that write never happened (its host died between the promotion and the write).
/// </summary>
public static class PromotionRecord
{
    /// <summary>Whether the records already show <paramref name="selfId"/> as the one active primary.</summary>
    public static bool IsRecorded(IReadOnlyList<NodeRecord> nodes, int selfId) =>
        nodes.Any(n => n is { Type: NodeType.Primary, Active: true } && n.NodeId == selfId && n.UpstreamNodeId is null)
        && !nodes.Any(n => n is { Type: NodeType.Primary, Active: true } && n.NodeId != selfId);

    /// <returns>The former primary (or the upstream it had), for the event; null when there was none.</returns>
    public static async Task<NodeRecord?> WriteAsync(OperationContext ctx, NpgsqlConnection local, NodeRecord self, IReadOnlyList<NodeRecord> nodes,
        CancellationToken ct)
    {
        var store = new MetadataStore(local);
        var former = nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.NodeId != self.NodeId && n.Active)
            ?? nodes.FirstOrDefault(n => n.NodeId == self.UpstreamNodeId);
        await store.UpsertNodeAsync(self with { Type = NodeType.Primary, UpstreamNodeId = null, Active = true }, ct);
        foreach (var other in nodes.Where(n => n is { Type: NodeType.Primary, Active: true } && n.NodeId != self.NodeId))
        {
            await store.UpsertNodeAsync(other with { Active = false }, ct);
        }
        // A witness's upstream is the primary, as in repmgr.
        foreach (var witness in nodes.Where(n => n.Type == NodeType.Witness && n.UpstreamNodeId != self.NodeId))
        {
            await store.UpsertNodeAsync(witness with { UpstreamNodeId = self.NodeId }, ct);
        }
        KnownNodesCache.Save(ctx.Options, await store.GetNodesAsync(ct));
        return former;
    }
}
