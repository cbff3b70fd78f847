using Pgward.Backup.Catalog;
using Pgward.Backup.Http;
using Pgward.Backup.Scheduling;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Reporting;
using Pgward.Core.Supervision;
using Pgward.Core.Systemd;

namespace Pgward.Backup;

/// <summary>
/// <c>pgward daemon run</c> on a backup server (a pgward.conf with a <c>[backup]</c> section and no node of its own).
/// Three loops until stopped, each a <see cref="SupervisedLoop"/> of one <see cref="LoopSupervisor"/>, that runs again
/// after a fault (an exception, or the receiver stopping) with a wait of <see cref="Backoff"/>:
/// <list type="bullet">
/// <item>WAL streaming through the slot, following the cluster through failovers. When the receiver stops on a problem
/// an operator must fix (another cluster, a conflicting segment, WAL the server removed), the daemon says so and tries
/// again, after 30 s and then longer, so that the fix is picked up without a restart.</item>
/// <item>the upkeep (<see cref="BackupUpkeep"/>) at start and every <see cref="CronInterval"/> (the known nodes; the
/// rest once a minute).</item>
/// <item>the scheduled backups of <c>backup_schedule</c> (<see cref="BackupScheduler"/>); it only waits when nothing is
/// scheduled.</item>
/// </list>
/// A loop that ends anyway stops the others and ends the daemon with a non-zero exit, for the service manager to
/// start it again: a daemon that streamed WAL with its upkeep dead, or the reverse, would look alive and be half dead.
/// Beside the loops, Kestrel serves the backup server's HTTPS endpoint (<see cref="BackupEndpoint"/>) when
/// <c>agent_token</c> is set.
/// </summary>
public static class BackupDaemon
{
    /// <summary>The waits before a faulted loop runs again: 30 s, doubling up to 5 minutes. Longer than the agent's:
    /// what stops these loops (a full disk, a cluster that is not ours) needs an operator, not a second.</summary>
    public static readonly LoopBackoff Backoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    /// <summary>How often the daemon's upkeep loop wakes: 10 s. It reads the cluster's nodes again each time, and runs the
    /// catalog's upkeep once a minute (<see cref="BackupUpkeep.RoundInterval"/>).</summary>
    public static readonly TimeSpan CronInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long one round of upkeep may take before the loop counts as stuck and the service manager's watchdog
    /// is no longer fed: 30 minutes (a round reads back newly archived WAL, which after a long outage can be a lot).</summary>
    public static readonly TimeSpan UpkeepStuckAfter = TimeSpan.FromMinutes(30);

    /// <summary>How long a scheduled backup may take before the schedule loop counts as stuck: 24 hours (it beats while
    /// it waits for the next run, not while pg_basebackup copies a large cluster).</summary>
    public static readonly TimeSpan ScheduleStuckAfter = TimeSpan.FromHours(24);

    public static async Task<Outcome> RunAsync(BackupContext ctx, CancellationToken ct)
    {
        using var notifier = SystemdEnvironment.FromProcess(ctx.Time);
        var (endpoint, started) = await BackupEndpoint.StartAsync(ctx, ct);
        if (started.Error is not null)
        {
            return started;
        }
        await using (endpoint)
        {
            var scheduler = new BackupScheduler(BackupSettings.From(ctx.Options).Schedule, new BackupCatalog(ctx.Layout), new ScheduledBackupTaker(ctx).TakeAsync,
                ctx.Reporter, ctx.Time);
            return await RunAsync(ctx, token => new WalStreamer(ctx.Options, ctx.Db, ctx.Reporter, ctx.Time).RunAsync(token), new BackupUpkeep(ctx).RunOnceAsync,
                scheduler.RunAsync, notifier, ct);
        }
    }

    /// <param name="stream">One run of the WAL receiver, until it stops.</param>
    /// <param name="upkeep">One round of upkeep; it throws when it failed.</param>
    /// <param name="schedule">The scheduled backups (<see cref="BackupScheduler.RunAsync"/>), given the loop's beat.</param>
    /// <param name="notifier">systemd's notifications (Type=notify): READY once its loops have started, the watchdog fed
    /// while no loop is stuck, STOPPING when the daemon stops; null when not run by systemd.</param>
    public static async Task<Outcome> RunAsync(
        BackupContext ctx, Func<CancellationToken, Task<Outcome>> stream, Func<CancellationToken, Task> upkeep, Func<Action, CancellationToken, Task> schedule,
        ServiceNotifier? notifier,
        CancellationToken ct)
    {
        ctx.Reporter.Notice($"backup server daemon: streaming WAL into {ctx.Layout.WalDirectory}");
        if (BackupFileModes.Tighten(ctx.Layout.Root) is > 0 and var tightened)
        {
            ctx.Reporter.Warning($"{tightened} files and directories under {ctx.Layout.Root} could be read by other users (an older pgward made them 0644 "
                + "and 0755): they are now 0640 and 0750, for their owner and group only");
        }
        using var loops = new LoopSupervisor(ctx.Time, new ReporterLogger(ctx.Reporter));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Both rebuild what they need each round (a new receiver, the catalog read again): after a fault they run again.
        var streaming = loops.Add("WAL streaming", LoopFaultPolicy.Restart, backoff: Backoff);
        // The receiver does not beat: it waits on the network as long as the cluster writes nothing, which is normal.
        var upkeeping = loops.Add("backup upkeep", LoopFaultPolicy.Restart, stuckAfter: UpkeepStuckAfter, backoff: Backoff);
        var scheduling = loops.Add("backup schedule", LoopFaultPolicy.Restart, stuckAfter: ScheduleStuckAfter, backoff: Backoff);
        SupervisedLoop[] supervised = [streaming, upkeeping, scheduling];
        Task[] running =
        [
            streaming.RunAsync(token => StreamAsync(stream, token), stop.Token),
            upkeeping.RunAsync(token => KeepUpAsync(upkeep, upkeeping.Beat, ctx.Time, token), stop.Token),
            scheduling.RunAsync(token => schedule(scheduling.Beat, token), stop.Token),
        ];
        var notifying = notifier?.RunAsync(() => supervised.All(l => l.Status != LoopStatus.Starting), loops.Stuck, stop.Token)
            ?? Task.CompletedTask;
        var ended = await Task.WhenAny(running);
        Outcome outcome = Outcome.Ok;
        if (!ct.IsCancellationRequested)
        {
            // A supervised loop returns only when stopped: one that ends anyway (it failed for good, or writing its
            // log line threw) must not leave the others running alone.
            var name = supervised[Array.IndexOf(running, ended)].Name;
            var how = loops.Failure ?? (ended.Exception?.InnerException is { } e ? $"{e.GetType().Name}: {e.Message}" : "it returned");
            outcome = Outcome.Fail(ExitCodes.Internal, $"the {name} loop ended on its own ({how}): stopping the process so that its service manager starts it again");
        }
        await stop.CancelAsync();
        // Every loop is awaited, and every exception observed: nothing goes on running after this returns.
        await Task.WhenAll([.. running, notifying]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (outcome.Error is { } error)
        {
            ctx.Reporter.Error(error);
        }
        return outcome;
    }

    /// <summary>
    /// One run of the receiver. It returns only when cancelled or when an operator is needed: every other return is a
    /// fault, thrown so that the loop reports it and starts the receiver again after its backoff. An exception the
    /// receiver did not expect is handled the same way: before, it ended this loop in silence while the cron loop ran
    /// on, and the archive fell behind for good (failover-during-backup:async seed 619 of the soak, after two primaries
    /// were killed during base backups: the last log line was "WAL streaming interrupted").
    /// </summary>
    private static async Task StreamAsync(Func<CancellationToken, Task<Outcome>> stream, CancellationToken ct)
    {
        var outcome = await stream(ct);
        ct.ThrowIfCancellationRequested();
        throw new ReceiverStoppedException((outcome.Error ?? "the receiver stopped, no error given") + (outcome.Hint is { } hint ? $" ({hint})" : ""));
    }

    /// <summary>The upkeep at start and every <see cref="CronInterval"/>. Not only an <see cref="IOException"/> escapes
    /// to the loop: the upkeep loop used to catch only that, and died of anything else in silence.</summary>
    private static async Task KeepUpAsync(Func<CancellationToken, Task> upkeep, Action beat, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await upkeep(ct);
            beat();
            await Task.Delay(CronInterval, time, ct);
        }
    }
}
