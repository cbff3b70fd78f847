using System.Diagnostics;
using Npgsql;

namespace Pgward.Testing;

/// <summary>
/// A client bound to one server (no multi-host failover) that commits one row at a time with a chosen
/// <c>synchronous_commit</c>, as a bulk load or a logger would with <c>local</c> or <c>off</c>, reconnecting after every
/// failure. It records when each commit was acknowledged, on the same clock as <see cref="WriteLoad"/>
/// (<see cref="Stopwatch"/>), so a test can compare them with another server's promotion. Stops when disposed, or by
/// itself after <see cref="WriteLoad.MaximumDuration"/>.
/// </summary>
public sealed class DirectWriter : IAsyncDisposable
{
    private readonly string connectionString;
    private readonly string synchronousCommit;
    private readonly CancellationTokenSource stop = new(WriteLoad.MaximumDuration);
    private readonly List<TimeSpan> acknowledged = [];
    private Task? loop;

    private DirectWriter(string connectionString, string synchronousCommit)
    {
        this.connectionString = connectionString;
        this.synchronousCommit = synchronousCommit;
    }

    /// <param name="synchronousCommit">on, local, off, remote_write or remote_apply.</param>
    public static async Task<DirectWriter> StartAsync(string connectionString, string synchronousCommit, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS direct_rows (id bigserial PRIMARY KEY, setting text)", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        var writer = new DirectWriter(connectionString + ";Command Timeout=2;Timeout=2", synchronousCommit);
        writer.loop = Task.Run(() => writer.RunAsync(writer.stop.Token), CancellationToken.None);
        return writer;
    }

    /// <summary>When each acknowledged commit was answered, on <see cref="Stopwatch"/>'s clock.</summary>
    public IReadOnlyList<TimeSpan> Acknowledged
    {
        get
        {
            lock (acknowledged)
            {
                return [.. acknowledged];
            }
        }
    }

    /// <summary>The time now on the clock of <see cref="Acknowledged"/>.</summary>
    public static TimeSpan Now() => TimeSpan.FromSeconds((double)Stopwatch.GetTimestamp() / Stopwatch.Frequency);

    private Task RunAsync(CancellationToken ct) => Reconnecting.RunAsync(async token =>
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(token);
        await using (var set = new NpgsqlCommand($"SET synchronous_commit = {synchronousCommit}", connection))
        {
            await set.ExecuteNonQueryAsync(token);
        }
        await using var insert = new NpgsqlCommand("INSERT INTO direct_rows (setting) VALUES (current_setting('synchronous_commit'))", connection);
        while (!token.IsCancellationRequested)
        {
            await insert.ExecuteNonQueryAsync(token);
            lock (acknowledged)
            {
                acknowledged.Add(Now());
            }
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, token);
        }
    }, TimeSpan.FromMilliseconds(50), ct);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }
        stop.Dispose();
    }
}
