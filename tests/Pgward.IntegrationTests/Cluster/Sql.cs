using Npgsql;

namespace Pgward.IntegrationTests.Cluster;

public static class Sql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the server takes writes now: it answers, and not in recovery. False while it is down.</summary>
    public static async Task<bool> IsWritableAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            return !await ScalarAsync<bool>(connectionString, "SELECT pg_is_in_recovery()", ct);
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the test's deadline token bounds the wait.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, ct);
        }
    }
}
