using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Show;

/// <summary>Connects to every registered node at once and records what it sees.</summary>
public static class ClusterObserver
{
    private static readonly string Sql = $"""
        SELECT pg_is_in_recovery(),
               {TimelineSql.Expression},
               (SELECT string_agg(application_name, E'\n') FROM pg_stat_replication WHERE state <> 'backup' AND {CommitLeaseStandby.NotLeaseSql}),
               {ApplyDelaySql.Setting}
        """;

    public static async Task<IReadOnlyList<NodeObservation>> ObserveAsync(
        DbConnector db, IReadOnlyList<NodeRecord> nodes, CancellationToken ct) =>
        await Task.WhenAll(nodes.Select(n => ObserveAsync(db, n, ct)));

    public static async Task<NodeObservation> ObserveAsync(DbConnector db, NodeRecord node, CancellationToken ct)
    {
        var attempt = await db.TryOpenAsync(node.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            var reachability = attempt.Failure == ConnectFailureKind.Rejected ? Reachability.Rejected : Reachability.Unreachable;
            return NodeObservation.Failed(node, reachability, attempt.Error);
        }
        await using (connection)
        {
            try
            {
                await using var cmd = new NpgsqlCommand(Sql, connection);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                var attached = r.IsDBNull(2) ? [] : r.GetString(2).Split('\n');
                return new NodeObservation(node, Reachability.Reachable, r.GetBoolean(0), r.GetInt32(1), attached, null)
                {
                    ApplyDelay = r.IsDBNull(3) ? null : r.GetString(3),
                };
            }
            catch (NpgsqlException e)
            {
                return NodeObservation.Failed(node, Reachability.Rejected, e.Message);
            }
        }
    }
}
