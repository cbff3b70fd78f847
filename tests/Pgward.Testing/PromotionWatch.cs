using Npgsql;

namespace Pgward.Testing;

/// <summary>
/// Polls servers every 10 ms with <c>pg_is_in_recovery()</c> on kept-open connections and records, on
/// <see cref="DirectWriter.Now"/>'s clock, when each first answered as a primary: the instant another node had won, to
/// within a poll. Stops when disposed, or by itself after <see cref="WriteLoad.MaximumDuration"/>.
/// </summary>
public sealed class PromotionWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new(WriteLoad.MaximumDuration);
    private readonly Dictionary<string, TimeSpan> promoted = [];
    private readonly List<Task> loops = [];

    /// <param name="connectionStrings">Each watched server, by a name for the results (e.g. "node2").</param>
    public static PromotionWatch Start(IReadOnlyDictionary<string, string> connectionStrings)
    {
        var watch = new PromotionWatch();
        foreach (var (name, connectionString) in connectionStrings)
        {
            watch.loops.Add(Task.Run(() => watch.WatchAsync(name, connectionString + ";Timeout=1;Command Timeout=1", watch.stop.Token),
                CancellationToken.None));
        }
        return watch;
    }

    /// <summary>The first instant any watched server answered as a primary; null while none has.</summary>
    public TimeSpan? First
    {
        get
        {
            lock (promoted)
            {
                return promoted.Count == 0 ? null : promoted.Values.Min();
            }
        }
    }

    private Task WatchAsync(string name, string connectionString, CancellationToken ct) => Reconnecting.RunAsync(async token =>
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(token);
        await using var query = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        while (!token.IsCancellationRequested)
        {
            if (await query.ExecuteScalarAsync(token) is false)
            {
                lock (promoted)
                {
                    promoted.TryAdd(name, DirectWriter.Now());
                }
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, token);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, token);
        }
    }, TimeSpan.FromMilliseconds(20), ct);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        stop.Dispose();
    }
}
