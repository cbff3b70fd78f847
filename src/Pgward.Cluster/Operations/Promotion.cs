using Npgsql;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// Asks the local standby to leave recovery: <c>service_promote_command</c> when configured, else
/// <c>pg_promote()</c>, else (when the user may not call it) <c>pg_ctl promote</c>.
/// </summary>
public sealed class Promotion(OperationContext ctx)
{
    private static readonly TimeSpan QuerySlack = TimeSpan.FromSeconds(10);

    /// <summary>How often the end of recovery is looked at: what comes after the promotion waits until it is seen.</summary>
    private static readonly TimeSpan EndOfRecoveryPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Null when the promotion was requested (and, for pg_promote, finished); else what went wrong.</summary>
    public async Task<string?> RequestAsync(NpgsqlConnection local, CancellationToken ct)
    {
        var timeout = ctx.Options.PromoteCheckTimeout;
        if (ctx.Options.ServicePromoteCommand is { Length: > 0 } command)
        {
            return await ShellCommand.RunAsync(ctx, command, timeout, ct);
        }
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        // Not pg_promote(wait => true): it looks every 100 ms, and it cannot wake a startup process that sleeps out
        // wal_retrieve_retry_interval after the request (PromotionWake).
        await using var cmd = new NpgsqlCommand("SELECT pg_promote(wait => false)", local) { CommandTimeout = (int)QuerySlack.TotalSeconds };
        try
        {
            if (!(bool)(await cmd.ExecuteScalarAsync(ct))!)
            {
                return "pg_promote() could not signal the postmaster";
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            ctx.Reporter.Info($"pg_promote() is not permitted ({e.MessageText}); using pg_ctl promote");
            return await PgCtlPromoteAsync(timeout, ct);
        }
        return await WaitForEndOfRecoveryAsync(local, timeout, ct)
            ? null
            : $"pg_promote() did not finish within {seconds} seconds (promote_check_timeout)";
    }

    /// <summary>Polls the end of recovery, waking the startup process when it sleeps out the retry interval.</summary>
    private async Task<bool> WaitForEndOfRecoveryAsync(NpgsqlConnection local, TimeSpan timeout, CancellationToken ct)
    {
        var requested = ctx.Time.GetUtcNow();
        DateTimeOffset? woken = null;
        var canWake = true;
        return await Waiting.UntilAsync(async token =>
        {
            var (inRecovery, waitEvent) = await LookAsync(local, token);
            if (!inRecovery)
            {
                return true;
            }
            var now = ctx.Time.GetUtcNow();
            if (canWake && PromotionWake.Due(waitEvent, now - requested, now - woken))
            {
                woken = now;
                canWake = await WakeAsync(local, token);
            }
            return false;
        }, timeout, EndOfRecoveryPoll, ctx.Time, ct);
    }

    /// <summary>Whether the server is still in recovery, and what its startup process waits for (null: nothing, or none).
    /// The reader is closed on return, so the connection can run the wake.</summary>
    private static async Task<(bool InRecovery, string? WaitEvent)> LookAsync(NpgsqlConnection local, CancellationToken ct)
    {
        await using var look = new NpgsqlCommand(
            "SELECT pg_is_in_recovery(), (SELECT wait_event FROM pg_stat_activity WHERE backend_type = 'startup')", local);
        await using var row = await look.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return (row.GetBoolean(0), row.IsDBNull(1) ? null : row.GetString(1));
    }

    /// <summary>A reload: its SIGHUP sets the startup process's latch. False when this user may not reload.</summary>
    private async Task<bool> WakeAsync(NpgsqlConnection local, CancellationToken ct)
    {
        try
        {
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", local);
            await reload.ExecuteScalarAsync(ct);
            ctx.Reporter.Info("woke the startup process, which slept out wal_retrieve_retry_interval after the promotion request");
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            ctx.Reporter.Debug($"the startup process sleeps out wal_retrieve_retry_interval and cannot be woken: {e.MessageText}");
            return false;
        }
    }

    private async Task<string?> PgCtlPromoteAsync(TimeSpan timeout, CancellationToken ct)
    {
        var (server, outcome) = LocalServer.Create(ctx);
        if (server is null)
        {
            return outcome.Error;
        }
        var result = await server.PromoteAsync(timeout, ct);
        return result.Succeeded ? null : result.Describe();
    }
}
