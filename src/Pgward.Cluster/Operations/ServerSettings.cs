using Npgsql;

namespace Pgward.Cluster.Operations;

/// <summary>
/// Settings of a running server changed as ALTER SYSTEM changes them (in postgresql.auto.conf, where clone put its own),
/// then a reload: for those PostgreSQL rereads on SIGHUP (primary_conninfo and primary_slot_name from 13,
/// restore_command from 14, synchronous_standby_names always).
/// </summary>
public static class ServerSettings
{
    /// <summary>ALTER SYSTEM SET each setting (RESET for a null value), then one reload.</summary>
    public static async Task SetAsync(NpgsqlConnection connection, IReadOnlyList<(string Name, string? Value)> settings, CancellationToken ct)
    {
        foreach (var (name, value) in settings)
        {
            await ExecuteAsync(connection, value is null ? $"ALTER SYSTEM RESET {name}" : $"ALTER SYSTEM SET {name} = {Literal(value)}", ct);
        }
        await ExecuteAsync(connection, "SELECT pg_reload_conf()", ct);
    }

    /// <summary>An escape string literal: right whatever standard_conforming_strings says (ALTER SYSTEM takes no parameters).</summary>
    public static string Literal(string value) =>
        "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
