namespace Pgward.Cluster.Matrix;

/// <summary>
/// Which registered node can connect to which node's PostgreSQL: one row per source node, ordered by node ID; the
/// columns are the same nodes. Also the body of the agent's <c>GET /connectivity/matrix</c>.
/// </summary>
public sealed record ConnectivityMatrix(IReadOnlyList<MatrixRow> Rows)
{
    public LinkStatus Status(int sourceId, int targetId) =>
        Rows.FirstOrDefault(r => r.NodeId == sourceId)?.StatusTo(targetId) ?? LinkStatus.Unknown;

    /// <summary>Every cell is <see cref="LinkStatus.Ok"/>: the exit code is 0 only then.</summary>
    public bool AllOk() => Rows.All(source => Rows.All(target => source.StatusTo(target.NodeId) == LinkStatus.Ok));
}
