using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster;

/// <summary>Creates and drops a standby's physical replication slot on its upstream.</summary>
public static class ReplicationSlots
{
    /// <summary>Creates the slot unless it exists; it reserves WAL at once, so nothing the standby needs is removed meanwhile.</summary>
    public static async Task EnsureAsync(NpgsqlConnection upstream, string slotName, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT pg_create_physical_replication_slot($1, true)
             WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)
            """, upstream);
        cmd.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Drops the slot when it exists and nothing streams through it; true when it was dropped.</summary>
    public static async Task<bool> DropIfInactiveAsync(NpgsqlConnection upstream, string slotName, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots
             WHERE slot_name = $1 AND slot_type = 'physical' AND NOT active
            """, upstream);
        cmd.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct);
    }

    /// <summary>Drops the slots of <paramref name="server"/> (node <paramref name="nodeId"/>) that no standby of it uses now
    /// (<see cref="StaleSlots"/>), judged by <paramref name="nodes"/> as they are after the operation; the names dropped.</summary>
    public static async Task<IReadOnlyList<string>> DropStaleAsync(NpgsqlConnection server, IReadOnlyList<NodeRecord> nodes, int nodeId,
        CancellationToken ct)
    {
        var facts = await ServerProbe.ReadAsync(server, ct);
        var dropped = new List<string>();
        foreach (var name in StaleSlots.Select(facts.Slots, nodes, nodeId))
        {
            // Checked again as it is dropped: a standby may have started streaming through it meanwhile.
            if (await DropIfInactiveAsync(server, name, ct))
            {
                dropped.Add(name);
            }
        }
        return dropped;
    }

    /// <summary>Drops an inactive slot of that name and creates it again, reserving WAL from now: what a node that was
    /// rewound or re-cloned needs, since the old slot's position no longer matches it.</summary>
    public static async Task RecreateAsync(NpgsqlConnection upstream, string slotName, CancellationToken ct)
    {
        await DropIfInactiveAsync(upstream, slotName, ct);
        await EnsureAsync(upstream, slotName, ct);
    }
}
