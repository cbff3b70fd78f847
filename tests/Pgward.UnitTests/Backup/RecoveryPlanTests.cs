using Pgward.Backup.Catalog;
using Pgward.Backup.Recovery;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using static Pgward.UnitTests.Backup.BackupInfos;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class RecoveryPlanTests
{
    private static readonly BackupInfo[] Backups =
    [
        Done("20260101T000000", Now.AddDays(-3), beginSegment: 2),
        Done("20260102T000000", Now.AddDays(-2), beginSegment: 5),
        Done("20260103T000000", Now.AddDays(-1), beginSegment: 9, status: BackupStatus.WaitingForWals),
    ];

    private static RecoveryTarget Time(DateTimeOffset at) => RecoveryTarget.From(at.ToString("O"), null, null, null, false).Target!;

    [Fact]
    public void Latest_is_the_newest_done_backup_ending_before_a_time_target()
    {
        Assert.Equal("20260101T000000", RecoveryPlan.Choose(Backups, "latest", Time(Now.AddDays(-2.5))).Backup!.Id);
        Assert.Equal("20260102T000000", RecoveryPlan.Choose(Backups, "latest", Time(Now)).Backup!.Id);
    }

    [Fact]
    public void Latest_follows_an_lsn_target()
    {
        var target = RecoveryTarget.From(null, null, null, new Lsn(4 * (ulong)WalSegment.DefaultSize).ToString(), false).Target!;
        Assert.Equal("20260101T000000", RecoveryPlan.Choose(Backups, "latest", target).Backup!.Id);
    }

    [Fact]
    public void A_target_before_the_chosen_backups_end_is_refused_with_the_reason()
    {
        var (backup, error) = RecoveryPlan.Choose(Backups, "20260102T000000", Time(Now.AddDays(-2.5)));
        Assert.Null(backup);
        Assert.Contains("is before the end of backup 20260102T000000", error, StringComparison.Ordinal);
        Assert.Contains("choose an older backup", error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_backup_before_the_target_and_unfinished_backups_are_refused()
    {
        Assert.Contains("no DONE backup ends before the target", RecoveryPlan.Choose(Backups, "latest", Time(Now.AddDays(-5))).Error, StringComparison.Ordinal);
        Assert.Contains("is WAITING_FOR_WALS, not DONE", RecoveryPlan.Choose(Backups, "20260103T000000", RecoveryTarget.EndOfWal).Error, StringComparison.Ordinal);
        Assert.Contains("no backup \"nope\"", RecoveryPlan.Choose(Backups, "nope", RecoveryTarget.EndOfWal).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-25 16:34:07.123+01", "2026-11-25 15:34:07.123000+00")]
    [InlineData("2026-11-25 16:34:07", "2026-11-25 16:34:07.000000+00")]
    public void Time_targets_are_written_in_utc_with_the_zone(string given, string written)
    {
        Assert.Equal(written, RecoveryTarget.From(given, null, null, null, false).Target!.Value);
    }

    [Theory]
    [InlineData("yesterday", null, null, null, false, "is not a time")]
    [InlineData(null, "abc", null, null, false, "is not a transaction ID")]
    [InlineData(null, null, null, "0/XYZ", false, "is not an LSN")]
    [InlineData(null, "1000", null, null, true, "give at most one of")]
    public void Bad_targets_are_refused(string? time, string? xid, string? name, string? lsn, bool immediate, string message)
    {
        var (target, error) = RecoveryTarget.From(time, xid, name, lsn, immediate);
        Assert.Null(target);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_name_the_target_restore_command_and_turn_archiving_off()
    {
        var request = new RecoveryRequest("latest", "/x", new RecoveryTarget(RecoveryTargetKind.Name, "it's"), null, "promote", Exclusive: true,
            RecoverySettings.PgwardRestoreCommand(["/usr/bin/pgward"], "/etc/pg ward.conf"));
        var text = RecoverySettings.Render("20260101T000000", request, Now);
        Assert.Contains("restore_command = '/usr/bin/pgward -f ''/etc/pg ward.conf'' backup wal-restore %f %p'\n", text, StringComparison.Ordinal);
        Assert.Contains("recovery_target_name = 'it''s'\n", text, StringComparison.Ordinal);
        Assert.Contains("recovery_target_inclusive = 'off'\n", text, StringComparison.Ordinal);
        Assert.Contains("recovery_target_timeline = 'latest'\n", text, StringComparison.Ordinal);
        Assert.Contains("recovery_target_action = 'promote'\n", text, StringComparison.Ordinal);
        Assert.Contains("archive_mode = 'off'\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Earlier_recovery_settings_are_commented_out()
    {
        var text = RecoverySettings.CommentOutOwned("work_mem = '4MB'\nrecovery_target_xid = '5'\nprimary_conninfo = 'host=x'\n");
        Assert.Equal("work_mem = '4MB'\n#pgward recover: recovery_target_xid = '5'\n#pgward recover: primary_conninfo = 'host=x'\n", text);
    }
}
