using Pgward.Cluster.Agents;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Matrix;

/// <summary>
/// Asks every registered node's agent for its row (<c>GET /connectivity</c>) at once; a node whose agent does not
/// answer gets an unknown row. Used by <c>cluster matrix</c> and by each agent for <c>GET /connectivity/matrix</c>.
/// </summary>
public static class MatrixGatherer
{
    /// <summary>
    /// How long one agent may take for its row: 8 s. The agent reads the metadata (5 s connect timeout at worst
    /// when its own server is gone and it falls back to another node) and then probes for at most 2 s.
    /// </summary>
    public static readonly TimeSpan RowTimeout = TimeSpan.FromSeconds(8);

    public static async Task<ConnectivityMatrix> GatherAsync(AgentClient agents, IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        var rows = await Task.WhenAll(nodes.OrderBy(n => n.NodeId).Select(n => RowAsync(agents, n, nodes, ct)));
        return new ConnectivityMatrix(rows);
    }

    private static async Task<MatrixRow> RowAsync(AgentClient agents, NodeRecord node, IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        if (node.AgentUrl is not { } url)
        {
            return MatrixRow.Unknown(node.NodeId, node.NodeName, "no agent URL is registered for this node");
        }
        var reply = await agents.GetConnectivityAsync(url, ct, RowTimeout);
        if (!reply.Succeeded || reply.Body?.Links is not { } links)
        {
            return MatrixRow.Unknown(node.NodeId, node.NodeName, reply.Error ?? $"agent at {url} gave no answer");
        }
        // The agent probed the nodes of the metadata it read; keep the columns this matrix has.
        var registered = nodes.Select(n => n.NodeId).ToHashSet();
        return new MatrixRow(node.NodeId, node.NodeName, [.. links.Where(l => registered.Contains(l.TargetId))]);
    }
}
