using Npgsql;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Metrics;

/// <summary>Asks the primary, in one query, how far the archive's receiver is behind it (<see cref="ArchiveLag.From"/>).</summary>
public static class ArchiveLagProbe
{
    private const string Sql = """
        WITH receiver AS (
            SELECT flush_lsn, extract(epoch FROM flush_lag)::float8 AS flush_lag FROM pg_stat_replication
            WHERE application_name = $1 ORDER BY flush_lsn DESC NULLS LAST LIMIT 1)
        SELECT pg_current_wal_lsn()::text,
               (SELECT flush_lsn::text FROM receiver),
               (SELECT flush_lag FROM receiver),
               (SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = $2)
        """;

    public static async Task<ArchiveLag> ReadAsync(DbConnector db, string? primaryConninfo, string? slotName, DateTimeOffset? lastArrival,
        DateTimeOffset now, CancellationToken ct)
    {
        if (primaryConninfo is null)
        {
            return ArchiveLag.Unknown;
        }
        var attempt = await db.TryOpenAsync(primaryConninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return ArchiveLag.Unknown;
        }
        await using (connection)
        {
            try
            {
                await using var cmd = new NpgsqlCommand(Sql, connection);
                cmd.Parameters.Add(new NpgsqlParameter { Value = new WalStreamerSettings().ApplicationName });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)slotName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                return ArchiveLag.From(LsnAt(r, 0), LsnAt(r, 1), r.IsDBNull(2) ? null : r.GetDouble(2), LsnAt(r, 3), lastArrival, now);
            }
            catch (NpgsqlException) when (!ct.IsCancellationRequested)
            {
                // A standby promoted since (pg_current_wal_lsn() fails in recovery), or the server went away: unknown.
                return ArchiveLag.Unknown;
            }
        }
    }

    private static Lsn? LsnAt(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Lsn.Parse(r.GetString(ordinal));
}
