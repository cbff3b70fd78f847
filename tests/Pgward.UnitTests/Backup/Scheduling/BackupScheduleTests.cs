using Pgward.Backup.Scheduling;
using Xunit;

namespace Pgward.UnitTests.Backup.Scheduling;

public sealed class BackupScheduleTests
{
    // Saturday 5 December 2026.
    private static readonly DateTimeOffset Saturday = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    private static BackupSchedule Parse(string schedule, string full = "", string zone = "UTC")
    {
        var errors = new List<(string Key, string Message)>();
        var parsed = BackupSchedule.Parse(schedule, full, zone, errors);
        Assert.Empty(errors);
        return parsed!;
    }

    private static (string Key, string Message) Error(string schedule, string full = "", string zone = "UTC")
    {
        var errors = new List<(string Key, string Message)>();
        Assert.Null(BackupSchedule.Parse(schedule, full, zone, errors));
        return Assert.Single(errors);
    }

    [Fact]
    public void Nothing_is_scheduled_when_neither_schedule_is_set()
    {
        var errors = new List<(string Key, string Message)>();
        Assert.Null(BackupSchedule.Parse("", "", "UTC", errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("0 2 * *", "got 4 fields in \"0 2 * *\"")]
    [InlineData("nightly", "got 1 fields in \"nightly\"")]
    [InlineData("0 25 * * *", "\"0 25 * * *\":")]
    [InlineData("*/5 * * * * * *", "got 7 fields")]
    public void A_bad_cron_expression_is_an_error_naming_the_key_and_the_expected_form(string schedule, string detail)
    {
        var (key, message) = Error(schedule);
        Assert.Equal("backup_schedule", key);
        Assert.StartsWith("expected a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. '0 2 * * *' for 02:00 every day)",
            message, StringComparison.Ordinal);
        Assert.Contains(detail, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_full_schedule_and_a_bad_time_zone_are_named_by_their_keys()
    {
        Assert.Equal("backup_schedule_full", Error("0 2 * * *", full: "0 2 * * 8").Key);
        var (key, message) = Error("0 2 * * *", zone: "Mars/Olympus");
        Assert.Equal("backup_schedule_timezone", key);
        Assert.Equal("expected UTC or a time zone name of the tz database (e.g. Europe/Paris), got \"Mars/Olympus\"", message);
    }

    [Fact]
    public void Full_weekly_and_incremental_otherwise_a_time_both_give_is_full()
    {
        var schedule = Parse("0 2 * * *", full: "0 2 * * 0");

        Assert.Equal(new ScheduledRun(Saturday.AddHours(2), ScheduledBackupKind.Incremental), schedule.Next(Saturday));
        Assert.Equal(new ScheduledRun(Saturday.AddDays(1).AddHours(2), ScheduledBackupKind.Full), schedule.Next(Saturday.AddHours(2)));
        Assert.Equal(new ScheduledRun(Saturday.AddDays(2).AddHours(2), ScheduledBackupKind.Incremental), schedule.Next(Saturday.AddDays(1).AddHours(2)));
        Assert.Equal("'0 2 * * *' (incremental), full '0 2 * * 0', UTC", schedule.Describe());
    }

    [Fact]
    public void Without_a_full_schedule_the_kind_is_left_to_backup_create_and_a_full_schedule_alone_takes_full_backups()
    {
        Assert.Equal(ScheduledBackupKind.Default, Parse("0 2 * * *").Next(Saturday)!.Kind);
        Assert.Equal(new ScheduledRun(Saturday.AddDays(1).AddHours(3), ScheduledBackupKind.Full), Parse("", full: "0 3 * * 0").Next(Saturday));
        Assert.Equal(ScheduledBackupKind.Full, Parse("@weekly", full: "@weekly").Next(Saturday)!.Kind);
    }

    [Fact]
    public void Six_fields_count_seconds_first()
    {
        var schedule = Parse("*/5 * * * * *");
        Assert.Equal(Saturday.AddSeconds(5), schedule.Next(Saturday)!.At);
        Assert.Equal(Saturday.AddSeconds(10), schedule.Next(Saturday.AddSeconds(7))!.At);
    }

    [Fact]
    public void Times_are_utc_by_default_and_those_of_the_time_zone_when_one_is_given()
    {
        Assert.Equal(Saturday.AddHours(2), Parse("0 2 * * *").Next(Saturday)!.At);
        // Paris is UTC+1 in December, UTC+2 in July.
        Assert.Equal(Saturday.AddHours(1), Parse("0 2 * * *", zone: "Europe/Paris").Next(Saturday)!.At);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero), Parse("0 2 * * *", zone: "Europe/Paris").Next(new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.Zero))!.At);
    }

    [Fact]
    public void Previous_is_the_last_time_at_or_before_with_its_kind()
    {
        var schedule = Parse("0 2 * * *", full: "0 2 * * 0");
        var sunday = Saturday.AddDays(1);
        Assert.Equal(new ScheduledRun(sunday.AddHours(2), ScheduledBackupKind.Full), schedule.Previous(sunday.AddHours(9)));
        Assert.Equal(new ScheduledRun(sunday.AddHours(2), ScheduledBackupKind.Full), schedule.Previous(sunday.AddHours(2)));
        Assert.Equal(new ScheduledRun(Saturday.AddHours(2), ScheduledBackupKind.Incremental), schedule.Previous(sunday.AddHours(1)));
        // A yearly schedule is found a year back.
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Parse("@yearly").Previous(Saturday)!.At);
    }

    [Fact]
    public void A_run_missed_while_the_daemon_was_down_is_taken_at_start_only_when_nearer_than_the_next_and_no_backup_began_since()
    {
        var schedule = Parse("0 2 * * *", full: "0 2 * * 0");
        var sunday = Saturday.AddDays(1);
        var friday = Saturday.AddDays(-1).AddHours(2);

        // Started at 02:10 on Sunday, the last backup Friday's: Sunday's full backup is taken now.
        Assert.Equal(new ScheduledRun(sunday.AddHours(2), ScheduledBackupKind.Full), schedule.Missed(sunday.AddHours(2).AddMinutes(10), friday));
        Assert.Equal(new ScheduledRun(sunday.AddHours(2), ScheduledBackupKind.Full), schedule.Missed(sunday.AddHours(13).AddMinutes(59), friday));
        // A backup server with no backup yet missed nothing: its first backup is the operator's, or the next run.
        Assert.Null(schedule.Missed(sunday.AddHours(2).AddMinutes(10), null));
        // Half a day late or more, the next run is nearer: wait for it.
        Assert.Null(schedule.Missed(sunday.AddHours(14), friday));
        // A backup began at or after the time (this daemon's before a restart, or one taken by hand): nothing was missed.
        Assert.Null(schedule.Missed(sunday.AddHours(2).AddMinutes(10), sunday.AddHours(2)));
        Assert.Null(schedule.Missed(sunday.AddHours(2).AddMinutes(10), sunday.AddHours(2).AddMinutes(1)));
    }
}
