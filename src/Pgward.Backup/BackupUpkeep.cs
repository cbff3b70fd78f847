using Npgsql;
using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Pgward.Backup.Registration;
using Pgward.Backup.Retention;
using Pgward.Backup.Wal;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>
/// One round of the backup daemon's upkeep (<c>backup cron</c> and more): backups whose WAL arrived become DONE, the
/// retention policy removes obsolete backups and the WAL only they needed, new archived WAL is read back once
/// (<see cref="WalArchiveVerifier"/>, so that <c>backup check</c> need not), and the backup server's row in the
/// cluster metadata gets its last-seen time and newest backup. Problems are reported when they first appear, not
/// every round; an exception is left to the loop that runs this (<see cref="BackupDaemon"/>).
/// </summary>
public sealed class BackupUpkeep(BackupContext ctx)
{
    /// <summary>How often a whole round runs: 1 minute. The known nodes are read again at every call
    /// (<see cref="BackupDaemon.CronInterval"/>), so that a standby registered just before the primary dies is where the
    /// receiver looks for the new primary (the deployment guide's test lost a failover to a cache a minute old).</summary>
    public static readonly TimeSpan RoundInterval = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _lastRound;

    private readonly BackupSettings _settings = BackupSettings.From(ctx.Options);
    private readonly BackupServerRegistration _registration = new(ctx.Options, ctx.Db, ctx.Reporter) { Endpoint = Http.BackupEndpoint.UrlOf(ctx.Root) };
    private string? _registrationProblem;
    private string? _damagedWal;

    /// <summary>A problem of the metadata is a warning here (the backup server works without it).</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        await new PrimaryLocator(ctx.Options.Conninfo, ctx.Layout, ctx.Db).RefreshKnownNodesAsync(ct);
        var now = ctx.Time.GetUtcNow();
        if (_lastRound is { } last && now - last < RoundInterval)
        {
            return;
        }
        _lastRound = now;
        var catalog = new BackupCatalog(ctx.Layout);
        var archive = new WalArchive(ctx.Layout);
        await new BackupWalCompletion(catalog, archive).RefreshAsync(ct);
        if (_settings.RetentionPolicy is { } policy)
        {
            var run = new RetentionEnforcer(catalog, archive, ctx.Reporter, ctx.Time).Apply(policy, _settings.MinimumRedundancy, dryRun: false);
            if (run.Deleted.Count > 0)
            {
                ctx.Reporter.Notice($"retention ({policy}): {run.Deleted.Count} backups and {run.SegmentsDeleted} WAL segments deleted");
            }
        }
        await VerifyNewWalAsync(archive, ct);
        await RefreshRegistrationAsync(ct);
    }

    private async Task VerifyNewWalAsync(WalArchive archive, CancellationToken ct)
    {
        var verification = await new WalArchiveVerifier(ctx.Layout, archive).VerifyAsync(everything: false, ct);
        var damaged = verification.Damaged.Count == 0 ? null : string.Join(", ", verification.Damaged.Select(d => d.WalFile));
        if (damaged is not null && damaged != _damagedWal)
        {
            var (first, problem) = verification.Damaged[0];
            ctx.Reporter.Error($"damaged WAL in the archive: {damaged}; recovery from the oldest backup would stop at {first} ({problem})");
        }
        _damagedWal = damaged;
    }

    private async Task RefreshRegistrationAsync(CancellationToken ct)
    {
        string? problem;
        try
        {
            problem = await _registration.RefreshAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            problem = $"cannot refresh the backup server's row in the cluster metadata: {e.Message}";
        }
        if (problem is not null && problem != _registrationProblem)
        {
            ctx.Reporter.Warning(problem);
        }
        _registrationProblem = problem;
    }
}
