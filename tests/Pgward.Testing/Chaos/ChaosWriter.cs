using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>
/// One writer client: inserts rows with its own ids one at a time on one connection, and after any failure drops the
/// connection, pauses and reconnects through the multi-host string, which finds whichever node is now read-write.
/// Every connection it opens runs with the writer's <c>synchronous_commit</c> (<see cref="ChaosWorkloadOptions.SettingOf"/>).
/// </summary>
internal sealed class ChaosWriter(int client, ChaosWorkloadOptions options, ChaosTable table, ChaosRecorder recorder)
{
    private readonly SynchronousCommit setting = options.SettingOf(client);
    private string? warning;

    /// <param name="stopping">Ends the loop between writes.</param>
    /// <param name="abort">Cancels a write in flight: only once the stop's grace has passed.</param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        NpgsqlConnection? connection = null;
        try
        {
            for (long sequence = 1; !stopping.IsCancellationRequested; sequence++)
            {
                var (write, keep) = await WriteAsync(connection, ChaosIds.For(client, sequence), abort);
                connection = keep;
                if (connection is not null && options.ReconnectEvery > 0 && sequence % options.ReconnectEvery == 0)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
                recorder.Add(write);
                var pause = write.Outcome == WriteOutcome.Acknowledged ? options.WriteInterval : options.ReconnectPause;
                if (pause > TimeSpan.Zero && !await ChaosDelay.PauseAsync(pause, options.TimeProvider, stopping))
                {
                    return;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <returns>The attempt, and the connection to use for the next one (null after a failure).</returns>
    private async Task<(WriteOperation Write, NpgsqlConnection? Connection)> WriteAsync(NpgsqlConnection? connection, long id, CancellationToken ct)
    {
        var start = recorder.Elapsed;
        var sent = false;
        try
        {
            if (connection is null)
            {
                connection = new NpgsqlConnection(options.WriteConnectionString);
                connection.Notice += (_, e) => warning = e.Notice.InvariantSeverity == "WARNING" ? e.Notice.MessageText : warning;
                await connection.OpenAsync(ct);
                // Set in the session, as an application does; a failure here fails the write before it was sent.
                await using var set = new NpgsqlCommand($"SET synchronous_commit = {setting.Setting()}", connection);
                await set.ExecuteNonQueryAsync(ct);
            }
            warning = null;
            sent = true;
            var (node, timeline) = await table.InsertAsync(connection, id, client, ct);
            return (new WriteOperation(id, client, start, recorder.Elapsed, WriteOutcome.Acknowledged, node, timeline, Warning: warning,
                SynchronousCommit: setting), connection);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            var end = recorder.Elapsed;
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            return (new WriteOperation(id, client, start, end, WriteOutcomes.Classify(e, sent), Error: e.Message, SynchronousCommit: setting), null);
        }
    }
}
