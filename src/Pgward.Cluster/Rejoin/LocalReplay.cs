using Npgsql;
using Pgward.Core;

namespace Pgward.Cluster.Rejoin;

/// <summary>
/// Waits until the local server, in recovery, has replayed all the WAL it can find: its startup process waits for more
/// (for the next retry of pg_wal and restore_command, or for its WAL receiver). A server that accepts read-only
/// connections may not be there yet: a crashed primary whose pg_control still holds the minimum recovery point of its
/// promotion is consistent, and opens, at that point, with its own later WAL still to replay. Stopped before the end,
/// its pg_control says it replayed less than its data files may already hold (the primary flushed them), and pg_rewind,
/// which reads a standby's WAL only as far as that point, would miss blocks that WAL changed.
/// </summary>
public static class LocalReplay
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>The startup process's wait events once the WAL it can find is replayed: retrying pg_wal and
    /// restore_command, or waiting for its WAL receiver.</summary>
    private static readonly string[] WaitingForWal = ["RecoveryRetrieveRetryInterval", "RecoveryWalStream"];

    /// <summary>Null once replay waits for WAL, or when the server is not in recovery (nothing to replay); else why replay
    /// could not be seen to end (no connection, or <paramref name="timeout"/> passed).</summary>
    public static async Task<string?> WaitForEndOfWalAsync(OperationContext ctx, TimeSpan timeout, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return $"unable to connect to the local server: {attempt.Error}";
        }
        await using var _ = connection;
        string? seen = null;
        try
        {
            var waiting = await Waiting.UntilAsync(async token =>
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT coalesce(wait_event, 'replaying') FROM pg_stat_activity WHERE backend_type = 'startup'", connection);
                seen = await cmd.ExecuteScalarAsync(token) as string;
                return seen is null || WaitingForWal.Contains(seen, StringComparer.Ordinal);
            }, timeout, Poll, ctx.Time, ct);
            return waiting ? null : $"its startup process had not replayed all its WAL after {timeout.TotalSeconds:0} s (last seen: {seen})";
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            return $"unable to look at the local server's recovery: {e.Message}";
        }
    }
}
