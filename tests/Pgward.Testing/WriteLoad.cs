using System.Diagnostics;
using Npgsql;

namespace Pgward.Testing;

/// <summary>
/// A client that inserts one row at a time through a connection string, as an application would, reconnecting after
/// every failure. Each write ends acknowledged, failed (refused before commit) or unknown (the commit's answer was
/// lost). It stops when asked, or by itself after <see cref="MaximumDuration"/>.
/// </summary>
public sealed class WriteLoad : IAsyncDisposable
{
    /// <summary>A bound on every load so that nothing runs on forever if a test forgets to stop it.</summary>
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromMinutes(5);

    private readonly string connectionString;
    private readonly TimeSpan interval;
    private readonly CancellationTokenSource stop = new(MaximumDuration);
    private readonly List<(long Id, long AckedAt, int Port)> acknowledged = [];
    private readonly List<long> unknown = [];
    private long failed;
    private Task? loop;

    private WriteLoad(string connectionString, TimeSpan interval)
    {
        this.connectionString = connectionString;
        this.interval = interval;
    }

    /// <summary>Creates <c>load_rows</c> if needed and starts writing to it.</summary>
    public static async Task<WriteLoad> StartAsync(string connectionString, TimeSpan interval, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS load_rows (id bigint PRIMARY KEY, at timestamptz DEFAULT now())", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        var load = new WriteLoad(connectionString, interval);
        load.loop = Task.Run(() => load.RunAsync(load.stop.Token), CancellationToken.None);
        return load;
    }

    /// <summary>Waits until at least <paramref name="count"/> writes were acknowledged.</summary>
    public async Task WaitForAcknowledgedAsync(int count, CancellationToken ct)
    {
        while (Acknowledged < count)
        {
            await Task.Delay(interval, TimeProvider.System, ct);
        }
    }

    public int Acknowledged
    {
        get
        {
            lock (acknowledged)
            {
                return acknowledged.Count;
            }
        }
    }

    public async Task<WriteLoadResult> StopAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }
        lock (acknowledged)
        {
            var gaps = acknowledged.Zip(acknowledged.Skip(1), (a, b) => b.AckedAt - a.AckedAt);
            var longest = acknowledged.Count < 2 ? TimeSpan.Zero : TimeSpan.FromTicks(gaps.Max() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            return new WriteLoadResult(acknowledged.Select(a => a.Id).ToList(), unknown.ToList(), failed, longest)
            {
                // Not AckedAt × TicksPerSecond: a timestamp in nanoseconds since boot overflows a long when multiplied so.
                AcknowledgedBy = acknowledged.Select(a => (a.Id, a.Port, TimeSpan.FromSeconds((double)a.AckedAt / Stopwatch.Frequency))).ToList(),
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        long next = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                while (!ct.IsCancellationRequested)
                {
                    var id = ++next;
                    await WriteAsync(connection, id, ct);
                    await Task.Delay(interval, TimeProvider.System, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                Interlocked.Increment(ref failed);
                await DelayQuietlyAsync(TimeSpan.FromMilliseconds(10), ct);
            }
        }
    }

    private async Task WriteAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("INSERT INTO load_rows (id) VALUES ($1)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = id });
        // The port this client connected to (of the host a multi-host string picked), not inet_server_port(): behind a
        // forwarder or on hosts of their own, servers may all listen on the same port.
        var port = connection.Port;
        try
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException)
        {
            // The server refused the statement (e.g. read-only after a demotion): not committed.
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or OperationCanceledException)
        {
            // The connection broke while the commit was in flight: it may or may not have committed.
            lock (acknowledged)
            {
                unknown.Add(id);
            }
            throw;
        }
        lock (acknowledged)
        {
            acknowledged.Add((id, Stopwatch.GetTimestamp(), port));
        }
    }

    /// <summary>Every row id of <c>load_rows</c> on the server <paramref name="connectionString"/> reaches.</summary>
    public static async Task<HashSet<long>> RowsAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var select = new NpgsqlCommand("SELECT id FROM load_rows", connection);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var rows = new HashSet<long>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetInt64(0));
        }
        return rows;
    }

    private static async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, TimeProvider.System, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
