using Npgsql;

namespace Pgward.Core.Metadata;

/// <summary>Reads and writes <c>pgward.backup_servers</c> over one open connection (the primary's, to write).</summary>
public sealed class BackupServerStore(NpgsqlConnection connection)
{
    private const string Columns =
        "name, host, backup_directory, slot_name, config_file, registered_at, last_seen, last_backup_id, last_backup_time";

    /// <summary>Creates the table if it is missing, and adds the columns a newer pgward has
    /// (<see cref="MetadataSchema.CreateBackupServersSql"/>).</summary>
    public async Task CreateTableAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(MetadataSchema.CreateBackupServersSql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>False on a cluster that never registered a backup server.</summary>
    public async Task<bool> TableExistsAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('pgward.backup_servers') IS NOT NULL", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every registered backup server by name, and the server's clock to tell their age by. The endpoint is
    /// read through <c>to_jsonb</c>, so that a node reads a table an older pgward made, without that column, too.</summary>
    public async Task<(IReadOnlyList<BackupServerRecord> Servers, DateTimeOffset Now)> GetAllAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns}, now(), to_jsonb(b) ->> 'endpoint' FROM pgward.backup_servers b ORDER BY name", connection);
        var servers = new List<BackupServerRecord>();
        var now = DateTimeOffset.MinValue;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            servers.Add(new BackupServerRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Utc(reader.GetDateTime(5)), Utc(reader.GetDateTime(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : Utc(reader.GetDateTime(8)),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
            now = Utc(reader.GetDateTime(9));
        }
        return (servers, now);
    }

    public async Task<BackupServerRecord?> GetAsync(string name, CancellationToken ct) =>
        (await GetAllAsync(ct)).Servers.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// Inserts the backup server, or updates every column of the one with the same name but its registration time.
    /// The timestamps of <paramref name="server"/> are ignored: the database's clock sets them. Call
    /// <see cref="CreateTableAsync"/> first (it adds the endpoint column to an older table).
    /// </summary>
    public async Task RegisterAsync(BackupServerRecord server, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO pgward.backup_servers ({Columns}, endpoint)
            VALUES ($1, $2, $3, $4, $5, now(), now(), $6, $7, $8)
            ON CONFLICT (name) DO UPDATE SET
              host = EXCLUDED.host, backup_directory = EXCLUDED.backup_directory, slot_name = EXCLUDED.slot_name,
              config_file = EXCLUDED.config_file, last_seen = now(),
              last_backup_id = EXCLUDED.last_backup_id, last_backup_time = EXCLUDED.last_backup_time,
              endpoint = EXCLUDED.endpoint
            """,
            connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = server.Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = server.Host });
        cmd.Parameters.Add(new NpgsqlParameter { Value = server.BackupDirectory });
        cmd.Parameters.Add(new NpgsqlParameter { Value = server.SlotName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = server.ConfigFile });
        AddLastBackup(cmd, server.LastBackupId, server.LastBackupTime);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = server.Endpoint, DataTypeName = "text" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks the backup server as seen now, with its newest backup and its endpoint; false when it is not
    /// registered. Call <see cref="CreateTableAsync"/> once first (it adds the endpoint column to an older table).</summary>
    public async Task<bool> TouchAsync(string name, string? lastBackupId, DateTimeOffset? lastBackupTime, string? endpoint, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE pgward.backup_servers SET last_seen = now(), last_backup_id = $1, last_backup_time = $2, endpoint = $4 WHERE name = $3",
            connection);
        AddLastBackup(cmd, lastBackupId, lastBackupTime);
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = endpoint, DataTypeName = "text" });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM pgward.backup_servers WHERE name = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    private static void AddLastBackup(NpgsqlCommand cmd, string? id, DateTimeOffset? time)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = id, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = time?.UtcDateTime, DataTypeName = "timestamptz" });
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
