using Npgsql;
using Pgward.Cluster.Backups;
using Pgward.Cluster.Clone;
using Pgward.Core;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward standby restore-command [--backup-server NAME] [--dry-run]</c>: gives a node that was cloned before the
/// backup server was registered the <c>restore_command</c> a clone gets now (<see cref="WalFetchCommand"/>), so that a
/// standby which falls behind the WAL its upstream keeps catches up from the archive. Set with ALTER SYSTEM and a reload
/// (restore_command is reloadable from PostgreSQL 14), on the running local server; the backup server is chosen as
/// clone chooses it (<see cref="CloneRestoreCommand"/>), from the metadata on that server. Run on a primary, it takes
/// effect when the node next recovers (after a switchover or a rejoin), as for a clone's.
/// </summary>
public sealed class StandbyRestoreCommand(OperationContext ctx)
{
    /// <summary>How long the reload is given to show in the session's own settings.</summary>
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(5);

    /// <param name="executable">How restore_command runs pgward (null: this executable, as clone resolves it).</param>
    public async Task<Outcome> RunAsync(string? backupServer, IReadOnlyList<string>? executable, bool dryRun, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } local)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the local {ctx.LocalNode}: {attempt.Error}",
                hint: "start the server first: the setting is made with ALTER SYSTEM and a reload, and the backup server is read from the metadata on it");
        }
        await using var _ = local;
        var (url, check) = await CloneRestoreCommand.FindAsync(local, backupServer, ct);
        if (!check.Passed || url is null)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"no backup server to fetch WAL from: {check.Message}", detail: "nothing was changed");
        }
        var command = WalFetchCommand.Render(executable ?? PgwardExecutable.Resolve(Environment.GetEnvironmentVariable),
            ctx.Options.ConfigFile ?? "pgward.conf", url);
        var current = await CurrentAsync(local, ct);
        if (current == command)
        {
            ctx.Reporter.Notice($"restore_command already fetches WAL from the backup server at {url}");
            return Outcome.Ok;
        }
        if (dryRun)
        {
            ctx.Reporter.Notice($"would set restore_command = {StandbyConfiguration.Quote(command)} with ALTER SYSTEM and reload"
                + (current is { Length: > 0 } ? $" (in place of {StandbyConfiguration.Quote(current)})" : ""));
            return Outcome.Ok;
        }
        await ServerSettings.SetAsync(local, [("restore_command", command)], ct);
        // The reload reaches this session too; a server that kept the old value (an older PostgreSQL, where the setting
        // needs a restart) is said so, not taken as done.
        var applied = await Waiting.UntilAsync(async token => await CurrentAsync(local, token) == command,
            ReloadWait, TimeSpan.FromMilliseconds(50), ctx.Time, ct);
        if (!applied)
        {
            return Outcome.Fail(ExitCodes.LocalCommand, "restore_command was written to postgresql.auto.conf but the reload did not apply it",
                hint: "restart the server (pgward node service --action=restart)");
        }
        ctx.Reporter.Notice($"restore_command fetches WAL from the backup server at {url} (pgward backup wal-fetch)");
        return Outcome.Ok;
    }

    private static async Task<string?> CurrentAsync(NpgsqlConnection local, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT setting FROM pg_settings WHERE name = 'restore_command'", local);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
