using System.Globalization;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Matrix;

/// <summary>
/// The agent's half of <c>cluster matrix</c>: connects from this host to the PostgreSQL of every registered node at
/// once and reports which worked. Connecting is the whole test (repmgr's matrix is <c>cluster show</c>'s availability);
/// a server that answers but refuses the login counts as failed, since nothing could use that link either.
/// </summary>
public static class ConnectivityProber
{
    /// <summary>How long one probe waits to connect: 2 s, so a dead host does not hold up the row.</summary>
    public const int ConnectTimeoutSeconds = 2;

    /// <summary>This node's row, probing the nodes of the metadata it can read (locally, or from a node it knows).</summary>
    public static async Task<(ConnectivityReport? Report, Outcome Outcome)> ReportAsync(OperationContext ctx, CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        var links = await ProbeAsync(ctx.Db, source.Nodes, ct);
        return (new ConnectivityReport(ctx.Options.NodeId, ctx.Options.NodeName, links), Outcome.Ok);
    }

    public static async Task<IReadOnlyList<LinkProbe>> ProbeAsync(DbConnector db, IReadOnlyList<NodeRecord> nodes, CancellationToken ct) =>
        await Task.WhenAll(nodes.OrderBy(n => n.NodeId).Select(n => ProbeAsync(db, n, ct)));

    private static async Task<LinkProbe> ProbeAsync(DbConnector db, NodeRecord node, CancellationToken ct)
    {
        var attempt = await db.TryOpenAsync(Shorten(node.Conninfo), ct);
        if (attempt.Connection is not { } connection)
        {
            return new LinkProbe(node.NodeId, Ok: false, attempt.Error);
        }
        await connection.DisposeAsync();
        return new LinkProbe(node.NodeId, Ok: true);
    }

    private static string Shorten(string conninfo) =>
        Conninfo.TryParse(conninfo, out var parsed, out _)
            ? parsed!.With("connect_timeout", ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture))
                .With("application_name", "pgward matrix").ToString()
            : conninfo;
}
