using Npgsql;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Operations;

/// <summary>
/// Points a running standby at another upstream with ALTER SYSTEM (which writes postgresql.auto.conf, where clone
/// put the settings) and a reload. From PostgreSQL 13 a changed primary_conninfo restarts the WAL receiver on
/// reload; recovery_target_timeline 'latest' (the default) then follows the upstream onto its newer timeline.
/// </summary>
public static class UpstreamSettings
{
    public static Task ApplyAsync(NpgsqlConnection local, Conninfo primaryConninfo, string? slotName, CancellationToken ct) =>
        ServerSettings.SetAsync(local, [("primary_conninfo", primaryConninfo.ToString()), ("primary_slot_name", slotName)], ct);

    /// <summary>Stops the standby's WAL receiver: an empty primary_conninfo, reloaded (see <see cref="ApplyAsync"/>).</summary>
    public static Task DetachAsync(NpgsqlConnection local, CancellationToken ct) =>
        ServerSettings.SetAsync(local, [("primary_conninfo", "")], ct);

    /// <summary>The WAL receiver, when one runs: status, where it streams from, on which timeline.</summary>
    public static async Task<WalReceiverInfo?> ReadReceiverAsync(NpgsqlConnection local, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT COALESCE(status, ''), sender_host, sender_port, COALESCE(received_tli, 0), slot_name FROM pg_stat_wal_receiver", local);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new WalReceiverInfo(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2),
                r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4))
            : null;
    }

}
