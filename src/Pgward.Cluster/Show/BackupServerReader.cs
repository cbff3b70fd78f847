using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Show;

/// <summary>Reads the registered backup servers from the first reachable data node, the primary first.</summary>
public static class BackupServerReader
{
    public static async Task<IReadOnlyList<BackupServerRow>> ReadAsync(DbConnector db, IReadOnlyList<NodeObservation> observations, CancellationToken ct)
    {
        // A witness keeps only a copy of pgward.nodes, so its backup_servers table, if any, is empty.
        var sources = observations
            .Where(o => o.Reachability == Reachability.Reachable && o.Node.Type != NodeType.Witness)
            .OrderByDescending(o => o.InRecovery == false);
        foreach (var source in sources)
        {
            var attempt = await db.TryOpenAsync(source.Node.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                continue;
            }
            await using (connection)
            {
                try
                {
                    var store = new BackupServerStore(connection);
                    if (!await store.TableExistsAsync(ct))
                    {
                        return [];
                    }
                    var (servers, now) = await store.GetAllAsync(ct);
                    return BackupServerRows.From(servers, now);
                }
                catch (NpgsqlException)
                {
                    // Another node may answer; cluster show already warns about this one if it is broken.
                }
            }
        }
        return [];
    }
}
