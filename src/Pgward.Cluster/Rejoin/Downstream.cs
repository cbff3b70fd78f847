using Npgsql;

namespace Pgward.Cluster.Rejoin;

/// <summary>Whether the rejoined node streams from the primary.</summary>
public static class Downstream
{
    /// <summary>Whether the primary's pg_stat_replication shows <paramref name="applicationName"/> streaming.</summary>
    public static async Task<bool> IsStreamingAsync(NpgsqlConnection primary, string applicationName, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming')", primary);
        cmd.Parameters.Add(new NpgsqlParameter { Value = applicationName });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
