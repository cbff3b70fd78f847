using Npgsql;

namespace Pgward.Bench;

/// <summary>
/// A client that inserts one row into <c>load_rows</c> every interval through a (multi-host) connection string,
/// reconnecting after every failure, and records for each acknowledged write the wall-clock time of its answer and the
/// port of the server that gave it. Unlike <see cref="Testing.WriteLoad"/> it can say which server acknowledged a
/// write and when, against a kill time the script wrote with its own clock: both read the system's real-time clock.
/// </summary>
public sealed class FailoverWriter : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly string connectionString;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource stop = new();
    private readonly List<AcknowledgedWrite> acknowledged = [];
    private readonly List<long> unknown = [];
    private long failed;
    private Task? loop;

    private FailoverWriter(string connectionString, TimeSpan interval, TimeProvider time)
    {
        this.connectionString = connectionString;
        this.interval = interval;
        this.time = time;
    }

    public static FailoverWriter Start(string connectionString, TimeSpan interval, TimeProvider time)
    {
        var writer = new FailoverWriter(connectionString, interval, time);
        writer.loop = Task.Run(() => writer.RunAsync(writer.stop.Token), CancellationToken.None);
        return writer;
    }

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>A copy of the acknowledged writes so far, in the order they were acknowledged.</summary>
    public IReadOnlyList<AcknowledgedWrite> Acknowledged
    {
        get
        {
            lock (acknowledged)
            {
                return acknowledged.ToList();
            }
        }
    }

    public int AcknowledgedCount
    {
        get
        {
            lock (acknowledged)
            {
                return acknowledged.Count;
            }
        }
    }

    /// <summary>Ids whose commit answer was lost with the connection: they may or may not have committed.</summary>
    public IReadOnlyList<long> Unknown
    {
        get
        {
            lock (acknowledged)
            {
                return unknown.ToList();
            }
        }
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
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
                var port = await ServerPortAsync(connection, ct);
                while (!ct.IsCancellationRequested)
                {
                    await WriteAsync(connection, ++next, port, ct);
                    await Task.Delay(interval, time, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
            {
                Interlocked.Increment(ref failed);
                await DelayQuietlyAsync(RetryDelay, ct);
            }
        }
    }

    /// <summary>Asks the server its port: with several hosts in the connection string, the one it settled on.</summary>
    private static async Task<int> ServerPortAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var query = new NpgsqlCommand("SELECT inet_server_port()", connection);
        return (int)(await query.ExecuteScalarAsync(ct))!;
    }

    private async Task WriteAsync(NpgsqlConnection connection, long id, int port, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("INSERT INTO load_rows (id) VALUES ($1)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = id });
        try
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException)
        {
            // The server refused the statement (read-only, shutting down): not committed.
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
        var at = time.GetUtcNow();
        lock (acknowledged)
        {
            acknowledged.Add(new AcknowledgedWrite(id, (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond, port));
        }
    }

    private async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
