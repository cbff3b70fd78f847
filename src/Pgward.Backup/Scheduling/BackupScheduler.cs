using Pgward.Backup.Catalog;
using Pgward.Cluster;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Scheduling;

/// <summary>
/// The backup daemon's scheduled backups (<see cref="BackupDaemon"/>'s third loop): a run missed while the daemon was
/// down (<see cref="BackupSchedule.Missed"/>), then every run the schedule gives, one at a time. A run is never queued
/// behind another: one due while a backup is running (a <c>backup create</c> of an operator, whose STARTED backup.info
/// names a live process) is skipped with a warning, and the runs due while a scheduled backup ran are skipped too. A
/// failed backup is an error line and the schedule goes on; an exception is left to the loop's supervisor, which runs
/// this again after its backoff (a failed run, recorded in the catalog, is not taken again then).
/// </summary>
/// <param name="schedule">The schedule; null when <c>[backup]</c> schedules nothing: the loop then only waits.</param>
/// <param name="take">Takes one backup (<see cref="Base.BaseBackupCreator"/>); a failure is its outcome.</param>
public sealed class BackupScheduler(
    BackupSchedule? schedule, BackupCatalog catalog, Func<ScheduledRun, CancellationToken, Task<Outcome>> take, IReporter reporter, TimeProvider time)
{
    /// <summary>How often the loop wakes while it waits for the next run, to beat and to follow a clock that was set:
    /// 1 minute.</summary>
    public static readonly TimeSpan WakeInterval = TimeSpan.FromMinutes(1);

    /// <param name="beat">Called whenever the loop wakes: it is not stuck.</param>
    public async Task RunAsync(Action beat, CancellationToken ct)
    {
        if (schedule is null)
        {
            await WaitUntilAsync(DateTimeOffset.MaxValue, beat, ct);
            return;
        }
        var backups = catalog.List();
        if (schedule.Missed(time.GetUtcNow(), backups.Count == 0 ? null : backups.Max(b => b.BeginTime)) is { } missed)
        {
            reporter.Notice($"the scheduled {missed.Label} of {BackupListing.Time(missed.At)} was missed while the daemon was not running: "
                + "taking it now");
            await TakeAsync(missed, ct);
        }
        var after = time.GetUtcNow();
        while (schedule.Next(after) is { } next)
        {
            reporter.Info($"next scheduled {next.Label}: {BackupListing.Time(next.At)} ({schedule.Describe()})");
            await WaitUntilAsync(next.At, beat, ct);
            await TakeAsync(next, ct);
            beat();
            var finished = time.GetUtcNow();
            if (schedule.Next(next.At) is { } skipped && skipped.At < finished)
            {
                reporter.Warning($"scheduled backups due from {BackupListing.Time(skipped.At)} to {BackupListing.Time(finished)} were skipped: "
                    + $"the backup of {BackupListing.Time(next.At)} was still running (schedule {schedule.Describe()})");
            }
            after = finished > next.At ? finished : next.At;
        }
        reporter.Notice($"the backup schedule ({schedule.Describe()}) gives no later time: no more scheduled backups");
        await WaitUntilAsync(DateTimeOffset.MaxValue, beat, ct);
    }

    /// <summary>The backup being taken now by another process: STARTED, with the PID of a live process other than
    /// <paramref name="self"/> (the daemon takes one backup at a time, so a STARTED one of its own PID was left by a run
    /// that failed and is not running).</summary>
    public static BackupInfo? Running(IEnumerable<BackupInfo> backups, int self, Func<int, bool> alive) =>
        backups.FirstOrDefault(b => b.Status == BackupStatus.Started && b.Pid is int pid && pid != self && alive(pid));

    private async Task TakeAsync(ScheduledRun run, CancellationToken ct)
    {
        var what = $"scheduled {run.Label} of {BackupListing.Time(run.At)}";
        if (Running(catalog.List(), Environment.ProcessId, Core.Postgres.PostmasterPid.ProcessAlive) is { } running)
        {
            reporter.Warning($"{what}: skipped, backup {running.Id} is being taken (PID {running.Pid})");
            return;
        }
        reporter.Notice($"{what}: starting");
        var outcome = await take(run, ct);
        if (outcome.Error is { } error)
        {
            reporter.Error($"{what} failed: {error}" + (outcome.Hint is { } hint ? $" ({hint})" : ""));
        }
    }

    private async Task WaitUntilAsync(DateTimeOffset at, Action beat, CancellationToken ct)
    {
        beat();
        while (time.GetUtcNow() is var now && now < at)
        {
            var remaining = at - now;
            await Task.Delay(remaining < WakeInterval ? remaining : WakeInterval, time, ct);
            beat();
        }
    }
}
