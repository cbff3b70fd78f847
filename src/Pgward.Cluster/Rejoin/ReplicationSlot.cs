using Npgsql;

namespace Pgward.Cluster.Rejoin;

/// <summary>The physical replication slot the rejoined node streams through on the primary.</summary>
public static class ReplicationSlot
{
    /// <summary>Drops an inactive slot of that name, then creates it reserving WAL from now, so that nothing the
    /// node needs after its rewind is recycled before it connects.</summary>
    public static async Task RecreateAsync(NpgsqlConnection primary, string slotName, CancellationToken ct)
    {
        await using (var drop = new NpgsqlCommand(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", primary))
        {
            drop.Parameters.Add(new NpgsqlParameter { Value = slotName });
            await drop.ExecuteNonQueryAsync(ct);
        }
        await using var create = new NpgsqlCommand("SELECT pg_create_physical_replication_slot($1, true)", primary);
        create.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the primary's pg_stat_replication shows <paramref name="applicationName"/> streaming.</summary>
    public static async Task<bool> IsStreamingAsync(NpgsqlConnection primary, string applicationName, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming')", primary);
        cmd.Parameters.Add(new NpgsqlParameter { Value = applicationName });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
