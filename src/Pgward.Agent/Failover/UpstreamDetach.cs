using Npgsql;
using Pgward.Agent.Health;
using Pgward.Cluster;
using Pgward.Cluster.Operations;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// Stops the local standby's WAL receiver before a granted vote leaves (see
/// <see cref="Pgward.Failover.Actions.DetachThenSend"/>): <c>primary_conninfo</c> emptied, the configuration reloaded,
/// then a wait until no receiver runs. A later follow sets the new upstream; a heartbeat of a primary that is still the
/// primary (the election failed) makes the standby follow it again.
/// </summary>
public static class UpstreamDetach
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <returns>Once no receiver runs: the last WAL position received (and its timeline), or nothing for a primary
    /// or a standby that never received any; else what went wrong.</returns>
    public static async Task<(Lsn? Received, int Timeline, string? Problem)> RunAsync(OperationContext ctx, TimeSpan limit, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            var attempt = await ctx.Db.TryOpenAsync(ProbeConninfo.For(ctx.Options.Conninfo, 1, "pgward detach"), timeout.Token);
            if (attempt.Connection is not { } opened)
            {
                // A server that is not running receives nothing (the probe may not have seen it stop yet, as in a
                // switchover): the vote can go.
                return PostmasterPid.RunningPid(ctx.Options.DataDirectory) is null ? (null, 0, null) : (null, 0, attempt.Error);
            }
            await using var sql = opened;
            if (!await ScalarAsync<bool>(sql, "SELECT pg_is_in_recovery()", timeout.Token))
            {
                return (null, 0, null);
            }
            await UpstreamSettings.DetachAsync(sql, timeout.Token);
            while (await ScalarAsync<long>(sql, "SELECT count(*) FROM pg_stat_wal_receiver", timeout.Token) > 0)
            {
                await Task.Delay(PollInterval, ctx.Time, timeout.Token);
            }
            // Nothing arrives any more: what it received is final. Its timeline: that of the last WAL replayed.
            await using var read = new NpgsqlCommand(
                "SELECT pg_last_wal_receive_lsn()::text, (SELECT timeline_id FROM pg_control_checkpoint())", sql);
            await using var row = await read.ExecuteReaderAsync(timeout.Token);
            await row.ReadAsync(timeout.Token);
            var received = row.IsDBNull(0) ? (Lsn?)null : Lsn.Parse(row.GetString(0));
            return (received, row.GetInt32(1), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, 0, $"the WAL receiver still ran after {limit.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or FormatException)
        {
            return (null, 0, e.Message);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection sql, string text, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(text, sql);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
