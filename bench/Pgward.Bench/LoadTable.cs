using Npgsql;

namespace Pgward.Bench;

/// <summary>The <c>load_rows</c> table the write loads insert into.</summary>
public static class LoadTable
{
    /// <summary>The table as <see cref="Testing.WriteLoad"/> creates it: one row per write, its id the write's number.</summary>
    public const string CreateSql = "CREATE TABLE IF NOT EXISTS load_rows (id bigint PRIMARY KEY, at timestamptz DEFAULT now())";

    /// <summary>
    /// Drops <c>load_rows</c>: the ids start at 1 in every load, so rows of an earlier run would collide with the new
    /// ones. When <paramref name="create"/>, creates it again, empty.
    /// </summary>
    public static async Task ResetAsync(string connectionString, bool create, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var drop = new NpgsqlCommand("DROP TABLE IF EXISTS load_rows", connection);
        await drop.ExecuteNonQueryAsync(ct);
        if (create)
        {
            await using var table = new NpgsqlCommand(CreateSql, connection);
            await table.ExecuteNonQueryAsync(ct);
        }
    }
}
