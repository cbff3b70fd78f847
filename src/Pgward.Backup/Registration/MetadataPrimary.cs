using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Registration;

/// <summary>
/// Opens a metadata connection to the cluster's primary from a backup server: the configured node if it is the
/// primary, else the first registered data node that is not in recovery (the metadata is written there only).
/// </summary>
public static class MetadataPrimary
{
    public static async Task<(NpgsqlConnection? Connection, string? Problem)> ConnectAsync(string conninfo, DbConnector db, CancellationToken ct)
    {
        var attempt = await db.TryOpenAsync(conninfo, ct);
        if (attempt.Connection is not { } configured)
        {
            return (null, $"cannot connect to the cluster through [backup] conninfo: {attempt.Error}");
        }
        IReadOnlyList<NodeRecord> nodes;
        try
        {
            var store = new MetadataStore(configured);
            if (!await store.SchemaExistsAsync(ct))
            {
                await configured.DisposeAsync();
                return (null, "the node of [backup] conninfo has no pgward metadata (schema \"pgward\"); register the primary first (pgward primary register)");
            }
            if (!await InRecoveryAsync(configured, ct))
            {
                return (configured, null);
            }
            nodes = await store.GetNodesAsync(ct);
        }
        catch
        {
            await configured.DisposeAsync();
            throw;
        }
        await configured.DisposeAsync();

        foreach (var node in nodes.Where(n => n.Type != NodeType.Witness).OrderByDescending(n => n.Type == NodeType.Primary && n.Active))
        {
            var candidate = await db.TryOpenAsync(node.Conninfo, ct);
            if (candidate.Connection is not { } connection)
            {
                continue;
            }
            if (!await InRecoveryAsync(connection, ct))
            {
                return (connection, null);
            }
            await connection.DisposeAsync();
        }
        return (null, "no registered node of the cluster is reachable and running as primary");
    }

    private static async Task<bool> InRecoveryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
