using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pgward.Backup;
using Pgward.Backup.Catalog;
using Pgward.Backup.Scheduling;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Reporting;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Scheduling;

public sealed class BackupSchedulerTests : IDisposable
{
    // Saturday 5 December 2026, 01:59:30.
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 1, 59, 30, TimeSpan.Zero);

    private readonly TempDirectory dir = new();
    private readonly FakeTimeProvider time = new(Start);
    private readonly Lines reporter = new();
    private readonly ConcurrentQueue<(ScheduledRun Run, DateTimeOffset TakenAt)> taken = new();

    public void Dispose() => dir.Dispose();

    private BackupCatalog Catalog => new(new BackupLayout(dir.Path));

    private BackupScheduler Scheduler(string schedule, string full = "", Outcome? outcome = null)
    {
        var errors = new List<(string Key, string Message)>();
        var parsed = BackupSchedule.Parse(schedule, full, "UTC", errors);
        return new BackupScheduler(parsed, Catalog, (run, _) =>
        {
            taken.Enqueue((run, time.GetUtcNow()));
            return Task.FromResult(outcome ?? Outcome.Ok);
        }, reporter, time);
    }

    [Fact]
    public async Task Runs_are_taken_at_the_times_the_schedule_gives_with_their_kind()
    {
        using var stop = new CancellationTokenSource();
        var beats = 0;
        var loop = Scheduler("0 2 * * *", full: "0 2 * * 0").RunAsync(() => Interlocked.Increment(ref beats), stop.Token);

        await WaitUntilAsync(() => reporter.Contains("next scheduled incremental backup: 2026-12-05 02:00:00+00"));
        Assert.Empty(taken);
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => taken.Count == 1);
        // Then every minute while it waits for Sunday's, full.
        await WaitUntilAsync(() => reporter.Contains("next scheduled full backup: 2026-12-06 02:00:00+00"));
        var before = Volatile.Read(ref beats);
        time.Advance(BackupScheduler.WakeInterval);
        await WaitUntilAsync(() => Volatile.Read(ref beats) > before);
        time.Advance(TimeSpan.FromDays(1) - BackupScheduler.WakeInterval);
        await WaitUntilAsync(() => taken.Count == 2);

        Assert.Equal([(ScheduledBackupKind.Incremental, Start.AddSeconds(30)), (ScheduledBackupKind.Full, Start.AddSeconds(30).AddDays(1))],
            taken.Select(t => (t.Run.Kind, t.TakenAt)));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task A_run_missed_while_the_daemon_was_down_is_taken_at_start_once()
    {
        Catalog.Save(BackupInfos.Done("20261204T020000", Start.AddDays(-1)));
        time.Advance(TimeSpan.FromMinutes(10));
        using var stop = new CancellationTokenSource();
        var loop = Scheduler("0 2 * * *").RunAsync(() => { }, stop.Token);

        await WaitUntilAsync(() => taken.Count == 1);
        Assert.Equal(new ScheduledRun(Start.AddSeconds(30), ScheduledBackupKind.Default), taken.Single().Run);
        Assert.Contains("the scheduled backup of 2026-12-05 02:00:00+00 was missed while the daemon was not running: taking it now", reporter.Notices);
        await WaitUntilAsync(() => reporter.Contains("next scheduled backup: 2026-12-06 02:00:00+00"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task A_failed_backup_is_an_error_line_and_the_schedule_goes_on()
    {
        // Started 6 s after a time of the schedule: more than half its interval, so that run is not taken late.
        time.Advance(TimeSpan.FromSeconds(6));
        using var stop = new CancellationTokenSource();
        var loop = Scheduler("*/10 * * * * *", outcome: Outcome.Fail(ExitCodes.BadBaseBackup, "pg_basebackup: could not connect", hint: "check conninfo"))
            .RunAsync(() => { }, stop.Token);

        await WaitUntilAsync(() => reporter.Contains("next scheduled backup: 2026-12-05 01:59:40+00"));
        time.Advance(TimeSpan.FromSeconds(4));
        await WaitUntilAsync(() => reporter.Contains("next scheduled backup: 2026-12-05 01:59:50+00"));
        Assert.Contains("scheduled backup of 2026-12-05 01:59:40+00 failed: pg_basebackup: could not connect (check conninfo)", reporter.Errors);
        time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => taken.Count == 2);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Runs_due_while_a_scheduled_backup_ran_are_skipped_not_queued()
    {
        time.Advance(TimeSpan.FromSeconds(6));
        using var stop = new CancellationTokenSource();
        var errors = new List<(string Key, string Message)>();
        var loop = new BackupScheduler(BackupSchedule.Parse("*/10 * * * * *", "", "UTC", errors), Catalog, (run, _) =>
        {
            taken.Enqueue((run, time.GetUtcNow()));
            time.Advance(TimeSpan.FromSeconds(25)); // the backup takes 25 s
            return Task.FromResult(Outcome.Ok);
        }, reporter, time).RunAsync(() => { }, stop.Token);

        await WaitUntilAsync(() => reporter.Contains("next scheduled backup: 2026-12-05 01:59:40+00"));
        time.Advance(TimeSpan.FromSeconds(4));
        await WaitUntilAsync(() => reporter.Contains("next scheduled backup: 2026-12-05 02:00:10+00"));
        Assert.Contains("scheduled backups due from 2026-12-05 01:59:50+00 to 2026-12-05 02:00:05+00 were skipped: the backup of "
            + "2026-12-05 01:59:40+00 was still running (schedule '*/10 * * * * *', UTC)", reporter.Warnings);
        Assert.Single(taken);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void A_backup_another_live_process_is_taking_is_running_and_one_left_by_this_process_or_a_dead_one_is_not()
    {
        BackupInfo Started(string id, int pid) => BackupInfos.Done(id, Start) with { Status = BackupStatus.Started, Pid = pid, EndTime = null };
        bool Alive(int pid) => pid is 100 or 200;

        Assert.Null(BackupScheduler.Running([Started("a", 300), Started("b", 200), BackupInfos.Done("c", Start) with { Pid = 100 }], self: 200, Alive));
        Assert.Equal("d", BackupScheduler.Running([Started("a", 300), Started("d", 100)], self: 200, Alive)?.Id);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, TestContext.Current.CancellationToken);
        }
        Assert.True(condition());
    }

    private sealed class Lines : IReporter
    {
        private readonly ConcurrentQueue<(ReportLevel Level, string Message)> lines = new();

        public IEnumerable<string> Errors => Of(ReportLevel.Error);

        public IEnumerable<string> Warnings => Of(ReportLevel.Warning);

        public IEnumerable<string> Notices => Of(ReportLevel.Notice);

        /// <summary>Whether a line starts with <paramref name="start"/>.</summary>
        public bool Contains(string start) => lines.Any(l => l.Message.StartsWith(start, StringComparison.Ordinal));

        public void Report(ReportLevel level, string message) => lines.Enqueue((level, message));

        public void Progress(string message)
        {
        }

        private IEnumerable<string> Of(ReportLevel level) => lines.Where(l => l.Level == level).Select(l => l.Message);
    }
}
