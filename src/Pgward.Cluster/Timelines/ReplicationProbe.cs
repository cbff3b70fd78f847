using System.Globalization;
using System.Text;
using Npgsql;
using Npgsql.Replication;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>
/// Reads an upstream's identity over a physical replication connection, as a walreceiver would: only the
/// REPLICATION attribute is needed, not superuser or pg_read_server_files.
/// </summary>
public static class ReplicationProbe
{
    /// <summary>The identity, or the error that prevented reading it.</summary>
    public static async Task<(UpstreamIdentity? Identity, string? Error)> ReadAsync(Conninfo conninfo, CancellationToken ct)
    {
        try
        {
            await using var connection = new PhysicalReplicationConnection(conninfo.ToNpgsqlConnectionString());
            await connection.Open(ct);
            var system = await connection.IdentifySystem(ct);
            var timeline = (int)system.Timeline;
            var history = timeline > 1
                ? TimelineHistory.Parse(Encoding.UTF8.GetString((await connection.TimelineHistory(system.Timeline, ct)).Content))
                : [];
            var systemId = ulong.Parse(system.SystemId, CultureInfo.InvariantCulture);
            return (new UpstreamIdentity(systemId, timeline, new Lsn((ulong)system.XLogPos), history), null);
        }
        catch (Exception e) when (e is NpgsqlException or FormatException or ArgumentException or TimeoutException
                                      && !ct.IsCancellationRequested)
        {
            return (null, e is PostgresException pg ? pg.MessageText : e.Message);
        }
    }
}
