using System.Globalization;
using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>Reads <see cref="ServerFacts"/> from a running server.</summary>
public static class ServerProbe
{
    // The timeline expression is shared with every probe: see TimelineSql.
    private static readonly string Sql = $"""
        SELECT current_setting('server_version'),
               current_setting('server_version_num')::int,
               pg_is_in_recovery(),
               {TimelineSql.Expression},
               (SELECT system_identifier::text FROM pg_control_system()),
               current_setting('data_directory'),
               current_setting('wal_level'),
               current_setting('max_wal_senders')::int,
               (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'walsender'),
               current_setting('max_replication_slots')::int,
               current_setting('hot_standby')::bool,
               current_setting('archive_mode'),
               current_setting('archive_command'),
               (SELECT sum(pg_database_size(oid))::bigint FROM pg_database WHERE datallowconn),
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END::text,
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() END::text,
               pg_last_xact_replay_timestamp(),
               now(),
               CASE WHEN pg_has_role('pg_monitor', 'MEMBER') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                    THEN (SELECT count(*)::int FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') END,
               {ApplyDelaySql.Setting}
        """;

    private const string SlotsSql = "SELECT slot_name, slot_type, active FROM pg_replication_slots ORDER BY slot_name";

    private const string DownstreamSql =
        "SELECT COALESCE(application_name, ''), COALESCE(state, ''), replay_lsn::text FROM pg_stat_replication WHERE "
        + CommitLeaseStandby.NotLeaseSql + " ORDER BY application_name";

    private const string ReceiverSql =
        "SELECT COALESCE(status, ''), sender_host, sender_port, COALESCE(received_tli, 0), slot_name FROM pg_stat_wal_receiver";

    public static async Task<ServerFacts> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var facts = await ReadMainAsync(connection, ct);
        return facts with
        {
            Slots = await ReadListAsync(connection, SlotsSql, r => new SlotInfo(r.GetString(0), r.GetString(1), r.GetBoolean(2)), ct),
            Downstream = await ReadListAsync(connection, DownstreamSql, r => new DownstreamConnection(
                r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : Lsn.Parse(r.GetString(2))), ct),
            WalReceiver = (await ReadListAsync(connection, ReceiverSql, r => new WalReceiverInfo(
                r.GetString(0),
                r.IsDBNull(1) ? null : r.GetString(1),
                r.IsDBNull(2) ? null : r.GetInt32(2),
                r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4)), ct)).FirstOrDefault(),
        };
    }

    private static async Task<ServerFacts> ReadMainAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql, connection);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new ServerFacts
        {
            ServerVersion = r.GetString(0),
            ServerVersionNum = r.GetInt32(1),
            InRecovery = r.GetBoolean(2),
            Timeline = r.GetInt32(3),
            SystemIdentifier = ulong.Parse(r.GetString(4), CultureInfo.InvariantCulture),
            DataDirectory = r.GetString(5),
            WalLevel = r.GetString(6),
            MaxWalSenders = r.GetInt32(7),
            WalSendersInUse = r.GetInt32(8),
            MaxReplicationSlots = r.GetInt32(9),
            HotStandby = r.GetBoolean(10),
            ArchiveMode = r.GetString(11),
            ArchiveCommand = r.GetString(12),
            DataSizeBytes = r.IsDBNull(13) ? 0 : r.GetInt64(13),
            ReceiveLsn = r.IsDBNull(14) ? null : Lsn.Parse(r.GetString(14)),
            ReplayLsn = r.IsDBNull(15) ? null : Lsn.Parse(r.GetString(15)),
            LastReplayTimestamp = r.IsDBNull(16) ? null : AsUtc(r.GetDateTime(16)),
            ServerTime = AsUtc(r.GetDateTime(17)),
            ArchiveReadyCount = r.IsDBNull(18) ? null : r.GetInt32(18),
            ApplyDelay = !r.IsDBNull(19) && Config.ApplyDelays.TryParse(r.GetString(19), out var delay) ? delay : TimeSpan.Zero,
            Slots = [],
            Downstream = [],
        };
    }

    private static async Task<IReadOnlyList<T>> ReadListAsync<T>(
        NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<T>();
        while (await r.ReadAsync(ct))
        {
            items.Add(read(r));
        }
        return items;
    }

    private static DateTimeOffset AsUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
