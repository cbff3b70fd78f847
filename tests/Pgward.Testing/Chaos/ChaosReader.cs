using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>
/// One reader client on the standbys: every <see cref="ChaosWorkloadOptions.ReadInterval"/> it asks for the rows above
/// the highest id it has seen of each writer and records the new ones, so that the checker can ask whether any row it
/// saw later disappeared without the reader scanning the whole table each time.
/// </summary>
internal sealed class ChaosReader(int reader, ChaosWorkloadOptions options, ChaosTable table, ChaosRecorder recorder)
{
    private readonly long[] watermarks = [.. Enumerable.Range(1, options.Writers).Select(client => ChaosIds.For(client, 0))];

    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.EffectiveReadConnectionString);
                await connection.OpenAsync(abort);
                while (await ChaosDelay.PauseAsync(options.ReadInterval, options.TimeProvider, stopping))
                {
                    await ReadAsync(connection, abort);
                }
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                if (!await ChaosDelay.PauseAsync(options.ReconnectPause, options.TimeProvider, stopping))
                {
                    return;
                }
            }
        }
    }

    private async Task ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var (node, inRecovery, ids) = await table.ReadAboveAsync(connection, watermarks, options.ReadLimitPerClient, ct);
        if (ids.Length == 0)
        {
            return;
        }
        foreach (var id in ids)
        {
            var client = ChaosIds.Client(id);
            if (client >= 1 && client <= watermarks.Length)
            {
                watermarks[client - 1] = Math.Max(watermarks[client - 1], id);
            }
        }
        recorder.Add(new ReadObservation(reader, recorder.Elapsed, node, inRecovery, ids));
    }
}
