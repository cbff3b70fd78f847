using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Pgward.Backup.Scheduling;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class ScheduleCheckTests
{
    // Saturday 5 December 2026, 02:00: the nightly backup's time.
    private static readonly DateTimeOffset Nightly = new(2026, 12, 5, 2, 0, 0, TimeSpan.Zero);

    private static readonly BackupSchedule Schedule = BackupSchedule.Parse("0 2 * * *", "0 2 * * 0", "UTC", new List<(string, string)>())!;

    private static BackupInfo Began(string id, DateTimeOffset begin, BackupStatus status, string? error = null) =>
        BackupInfos.Done(id, begin.AddMinutes(1), status: status) with { Error = error };

    [Fact]
    public void No_line_when_nothing_is_scheduled()
    {
        Assert.Empty(ScheduleCheck.Evaluate(null, [], Nightly));
    }

    [Fact]
    public void The_last_scheduled_backup_taken_passes()
    {
        var result = Assert.Single(ScheduleCheck.Evaluate(Schedule, [Began("20261205T020000", Nightly, BackupStatus.WaitingForWals)], Nightly.AddHours(3)));
        Assert.Equal(new BackupCheckResult("scheduled backups", true,
            "the incremental backup of 2026-12-05 02:00:00+00 was taken: 20261205T020000 (WAITING_FOR_WALS)"), result);
    }

    [Fact]
    public void The_last_scheduled_backup_failed_fails_with_its_error()
    {
        var backups = new[] { Began("20261204T020000", Nightly.AddDays(-1), BackupStatus.Done), Began("20261205T020000", Nightly, BackupStatus.Failed, "pg_basebackup: could not connect") };
        var result = Assert.Single(ScheduleCheck.Evaluate(Schedule, backups, Nightly.AddHours(3)));
        Assert.False(result.Ok);
        Assert.Equal("the scheduled incremental backup of 2026-12-05 02:00:00+00 failed: pg_basebackup: could not connect (backup 20261205T020000)", result.Detail);
    }

    [Fact]
    public void No_backup_since_the_last_scheduled_time_fails_after_the_grace_and_names_the_daemon()
    {
        var backups = new[] { Began("20261204T020000", Nightly.AddDays(-1), BackupStatus.Done) };
        Assert.True(Assert.Single(ScheduleCheck.Evaluate(Schedule, backups, Nightly + ScheduleCheck.Grace)).Ok);
        var result = Assert.Single(ScheduleCheck.Evaluate(Schedule, backups, Nightly + ScheduleCheck.Grace + TimeSpan.FromSeconds(1)));
        Assert.False(result.Ok);
        Assert.Equal("no backup began at or after the scheduled time 2026-12-05 02:00:00+00: is the backup daemon running (pgward daemon run)?", result.Detail);
    }
}
