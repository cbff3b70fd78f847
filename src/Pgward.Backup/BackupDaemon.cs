using Npgsql;
using Pgward.Backup.Catalog;
using Pgward.Backup.Registration;
using Pgward.Backup.Retention;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>
/// <c>pgward daemon run</c> on a backup server (a pgward.conf with a <c>[backup]</c> section and no node of its own).
/// Two loops until stopped:
/// <list type="bullet">
/// <item>WAL streaming through the slot, following the cluster through failovers. When the receiver stops on a problem
/// an operator must fix (another cluster, a conflicting segment, WAL the server removed), the daemon says so and tries
/// again every <see cref="RetryInterval"/>, so that the fix is picked up without a restart.</item>
/// <item><c>backup cron</c> at start and every <see cref="CronInterval"/>: backups whose WAL has arrived become DONE, and the
/// retention policy removes obsolete backups and the WAL only they needed; and the backup server's row in the cluster
/// metadata (<c>pgward.backup_servers</c>, what <c>cluster show</c> lists) gets its last-seen time and newest backup.</item>
/// </list>
/// </summary>
public static class BackupDaemon
{
    /// <summary>How long the daemon waits before starting a receiver that stopped on an error: 30 s.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often the daemon runs the catalog's upkeep: 1 minute.</summary>
    public static readonly TimeSpan CronInterval = TimeSpan.FromMinutes(1);

    public static async Task<Outcome> RunAsync(BackupContext ctx, CancellationToken ct)
    {
        ctx.Reporter.Notice($"backup server daemon: streaming WAL into {ctx.Layout.WalDirectory}");
        await Task.WhenAll(StreamAsync(ctx, ct), CronAsync(ctx, ct));
        return Outcome.Ok;
    }

    private static Task StreamAsync(BackupContext ctx, CancellationToken ct) =>
        KeepStreamingAsync(token => new WalStreamer(ctx.Options, ctx.Db, ctx.Reporter, ctx.Time).RunAsync(token), ctx.Reporter, ctx.Time, ct);

    /// <summary>
    /// Runs the receiver again after it stops, whatever stopped it, until the daemon stops. An exception the receiver did
    /// not expect is reported and retried like a failed outcome: before, it ended this loop in silence while the cron loop
    /// ran on, and the archive fell behind for good (failover-during-backup:async seed 619 of the soak, after two primaries
    /// were killed during base backups: the last log line was "WAL streaming interrupted").
    /// </summary>
    public static async Task KeepStreamingAsync(Func<CancellationToken, Task<Outcome>> stream, IReporter reporter, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string why;
            try
            {
                var outcome = await stream(ct);
                why = (outcome.Error ?? "no error given") + (outcome.Hint is { } hint ? $" ({hint})" : "");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                why = $"{e.GetType().Name}: {e.Message}";
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                break;
            }
            if (ct.IsCancellationRequested)
            {
                break;
            }
            reporter.Error($"WAL streaming stopped: {why}; retrying in {RetryInterval.TotalSeconds:0} s");
            if (!await WaitAsync(RetryInterval, time, ct))
            {
                break;
            }
        }
    }

    private static async Task CronAsync(BackupContext ctx, CancellationToken ct)
    {
        RetentionPolicy? policy = null;
        if (ctx.Options.RetentionPolicy.Length > 0 && !RetentionPolicy.TryParse(ctx.Options.RetentionPolicy, out policy, out var error))
        {
            ctx.Reporter.Error($"retention_policy is not applied: {error}");
        }
        var catalog = new BackupCatalog(ctx.Layout);
        var archive = new WalArchive(ctx.Layout);
        var registration = new BackupServerRegistration(ctx.Options, ctx.Db, ctx.Reporter);
        string? registrationProblem = null;
        // Once at start, then every interval.
        for (var first = true; first || await WaitAsync(CronInterval, ctx.Time, ct); first = false)
        {
            try
            {
                await new BackupWalCompletion(catalog, archive).RefreshAsync(ct);
                if (policy is not null)
                {
                    var run = new RetentionEnforcer(catalog, archive, ctx.Reporter, ctx.Time).Apply(policy, ctx.Options.MinimumRedundancy, dryRun: false);
                    if (run.Deleted.Count > 0)
                    {
                        ctx.Reporter.Notice($"retention ({policy}): {run.Deleted.Count} backups and {run.SegmentsDeleted} WAL segments deleted");
                    }
                }
            }
            catch (IOException e)
            {
                ctx.Reporter.Error($"backup cron failed: {e.Message}");
            }
            registrationProblem = await RefreshRegistrationAsync(registration, registrationProblem, ctx.Reporter, ct);
        }
    }

    /// <summary>Refreshes the metadata row; a problem is reported when it first appears, not every minute.</summary>
    private static async Task<string?> RefreshRegistrationAsync(
        BackupServerRegistration registration, string? previousProblem, IReporter reporter, CancellationToken ct)
    {
        string? problem;
        try
        {
            problem = await registration.RefreshAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            problem = $"cannot refresh the backup server's row in the cluster metadata: {e.Message}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return previousProblem;
        }
        if (problem is not null && problem != previousProblem)
        {
            reporter.Warning(problem);
        }
        return problem;
    }

    private static async Task<bool> WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
