using Pgward.Backup.Supervision;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>
/// <c>pgward daemon run</c> on a backup server (a pgward.conf with a <c>[backup]</c> section and no node of its own).
/// Two loops until stopped, each kept alive by a <see cref="SupervisedLoop"/> and both by the <see cref="LoopSupervisor"/>:
/// <list type="bullet">
/// <item>WAL streaming through the slot, following the cluster through failovers. When the receiver stops on a problem
/// an operator must fix (another cluster, a conflicting segment, WAL the server removed), the daemon says so and tries
/// again, after 30 s and then longer, so that the fix is picked up without a restart.</item>
/// <item>the upkeep (<see cref="BackupUpkeep"/>) at start and every <see cref="CronInterval"/>.</item>
/// </list>
/// A loop that ends on its own ends the daemon with a non-zero exit, for the service manager to start it again.
/// </summary>
public static class BackupDaemon
{
    /// <summary>How long the daemon waits before starting a receiver that stopped on an error the first time: 30 s.</summary>
    public static readonly TimeSpan RetryInterval = SupervisedLoop.FirstRetry;

    /// <summary>How often the daemon runs the catalog's upkeep: 1 minute.</summary>
    public static readonly TimeSpan CronInterval = TimeSpan.FromMinutes(1);

    public static Task<Outcome> RunAsync(BackupContext ctx, CancellationToken ct) =>
        RunAsync(ctx, token => new WalStreamer(ctx.Options, ctx.Db, ctx.Reporter, ctx.Time).RunAsync(token), new BackupUpkeep(ctx).RunOnceAsync, ct);

    /// <param name="stream">One run of the WAL receiver, until it stops.</param>
    /// <param name="upkeep">One round of upkeep: null when it worked, else the problem.</param>
    public static async Task<Outcome> RunAsync(
        BackupContext ctx, Func<CancellationToken, Task<Outcome>> stream, Func<CancellationToken, Task<string?>> upkeep, CancellationToken ct)
    {
        ctx.Reporter.Notice($"backup server daemon: streaming WAL into {ctx.Layout.WalDirectory}");
        if (BackupFileModes.Tighten(ctx.Layout.Root) is > 0 and var tightened)
        {
            ctx.Reporter.Warning($"{tightened} files and directories under {ctx.Layout.Root} could be read by other users (an older pgward made them 0644 "
                + "and 0755): they are now 0640 and 0750, for their owner and group only");
        }
        return await LoopSupervisor.RunAsync(
        [
            ("WAL streaming", token => KeepStreamingAsync(stream, ctx.Reporter, ctx.Time, token)),
            ("backup upkeep", token => new SupervisedLoop("backup upkeep", upkeep, CronInterval, ctx.Reporter, ctx.Time).RunAsync(token)),
        ], ctx.Reporter, ct);
    }

    /// <summary>
    /// Runs the receiver again after it stops, whatever stopped it, until the daemon stops. An exception the receiver did
    /// not expect is reported and retried like a failed outcome: before, it ended this loop in silence while the cron loop
    /// ran on, and the archive fell behind for good (failover-during-backup:async seed 619 of the soak, after two primaries
    /// were killed during base backups: the last log line was "WAL streaming interrupted").
    /// </summary>
    public static Task KeepStreamingAsync(Func<CancellationToken, Task<Outcome>> stream, IReporter reporter, TimeProvider time, CancellationToken ct) =>
        new SupervisedLoop("WAL streaming", async token =>
        {
            // The receiver returns only when cancelled or when an operator is needed: every return is a stop.
            var outcome = await stream(token);
            return (outcome.Error ?? "the receiver stopped, no error given") + (outcome.Hint is { } hint ? $" ({hint})" : "");
        }, TimeSpan.Zero, reporter, time).RunAsync(ct);
}
