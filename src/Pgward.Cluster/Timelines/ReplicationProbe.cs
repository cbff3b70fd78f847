using System.Globalization;
using Npgsql;
using Npgsql.Replication;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>
/// Reads an upstream's identity as a walreceiver would see it: IDENTIFY_SYSTEM over a physical replication
/// connection (which also proves that the standby may stream from it), and the history of its timeline.
/// </summary>
public static class ReplicationProbe
{
    /// <summary>The identity, or the error that prevented reading it.</summary>
    /// <param name="replication">How the standby will connect for streaming (its replication user).</param>
    /// <param name="sql">A database connection to the same server, for the history file.</param>
    public static async Task<(UpstreamIdentity? Identity, string? Error)> ReadAsync(Conninfo replication, NpgsqlConnection sql,
        CancellationToken ct)
    {
        try
        {
            await using var connection = new PhysicalReplicationConnection(replication.ToNpgsqlConnectionString());
            await connection.Open(ct);
            var system = await connection.IdentifySystem(ct);
            var timeline = (int)system.Timeline;
            var history = timeline > 1 ? TimelineHistory.Parse(await ReadHistoryFileAsync(sql, timeline, ct)) : [];
            var systemId = ulong.Parse(system.SystemId, CultureInfo.InvariantCulture);
            return (new UpstreamIdentity(systemId, timeline, new Lsn((ulong)system.XLogPos), history), null);
        }
        catch (Exception e) when (e is NpgsqlException or FormatException or ArgumentException or TimeoutException
                                      && !ct.IsCancellationRequested)
        {
            return (null, e is PostgresException pg ? pg.MessageText : e.Message);
        }
    }

    // TIMELINE_HISTORY would be the replication-protocol way, but Npgsql 10's TimelineHistory() expects bytea where
    // PostgreSQL 15 sends the content as text, and throws InvalidCastException. pg_read_file needs superuser or
    // pg_read_server_files; the metadata user has it wherever pgward manages servers.
    internal static async Task<string> ReadHistoryFileAsync(NpgsqlConnection sql, int timeline, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_read_file($1)", sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = string.Create(CultureInfo.InvariantCulture, $"pg_wal/{timeline:X8}.history") });
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
