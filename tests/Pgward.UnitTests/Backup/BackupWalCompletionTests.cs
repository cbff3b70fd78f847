using Pgward.Backup;
using Pgward.Backup.Catalog;
using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using static Pgward.UnitTests.Backup.BackupInfos;
using Xunit;

namespace Pgward.UnitTests.Backup;

/// <summary>
/// Backups the fault suite found stuck: left STARTED for ever after their <c>backup create</c> was killed (scenario
/// backup-faults, mode sync, seed 1), and WAITING_FOR_WALS for ever after a failover took their last WAL away. The
/// catalog now marks both FAILED.
/// </summary>
public sealed class BackupWalCompletionTests : IDisposable
{
    private const int Dead = 4001;
    private const int Alive = 4002;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgward-unit-" + Guid.NewGuid().ToString("N"));

    private static BackupInfo Started(string id, int? pid) =>
        Done(id, Now) with { Status = BackupStatus.Started, EndTime = null, Pid = pid };

    [Fact]
    public async Task A_started_backup_whose_process_is_gone_is_marked_failed_and_its_partial_copy_removed()
    {
        var catalog = new BackupCatalog(new BackupLayout(_root));
        catalog.Save(Started("killed", Dead));
        Directory.CreateDirectory(catalog.DataDirectory("killed"));
        await File.WriteAllTextAsync(Path.Combine(catalog.DataDirectory("killed"), "base.tar.lz4"), "half a tar", TestContext.Current.CancellationToken);

        var backups = await new BackupWalCompletion(catalog, new FakeWalArchive(), pid => pid == Alive).RefreshAsync(TestContext.Current.CancellationToken);

        var failed = Assert.Single(backups);
        Assert.Equal(BackupStatus.Failed, failed.Status);
        Assert.Null(failed.Pid);
        Assert.Equal($"interrupted: the backup create that copied it (PID {Dead}) ended without finishing it", failed.Error);
        Assert.Equal(BackupStatus.Failed, Assert.Single(catalog.List()).Status);
        Assert.False(Directory.Exists(catalog.DataDirectory("killed")));
        Assert.True(Directory.Exists(catalog.BackupDirectory("killed")));
    }

    [Fact]
    public async Task A_started_backup_whose_process_runs_or_is_unknown_stays_started()
    {
        var catalog = new BackupCatalog(new BackupLayout(_root));
        catalog.Save(Started("running", Alive));
        catalog.Save(Started("older-pgward", pid: null));

        var backups = await new BackupWalCompletion(catalog, new FakeWalArchive(), pid => pid == Alive).RefreshAsync(TestContext.Current.CancellationToken);

        Assert.All(backups, b => Assert.Equal(BackupStatus.Started, b.Status));
        Assert.Equal(Alive, backups.Single(b => b.Id == "running").Pid);
    }

    /// <summary>failover-during-backup, mode sync, seed 3: the primary died right after pg_backup_stop, before its standby
    /// had the backup's last WAL; the new timeline forked off before the backup's end, so the WAL it waits for is not
    /// part of the cluster's history and never comes. It stayed WAITING_FOR_WALS for ever.</summary>
    [Fact]
    public async Task A_waiting_backup_whose_timeline_ended_before_its_end_is_failed_and_one_that_ended_after_stays_waiting()
    {
        var catalog = new BackupCatalog(new BackupLayout(_root));
        var orphaned = Done("orphaned", Now, beginSegment: 10, timeline: 2) with
        {
            Status = BackupStatus.WaitingForWals, BeginLsn = Lsn.Parse("0/A0001A8"), EndLsn = Lsn.Parse("0/A005DC8"),
        };
        catalog.Save(orphaned);
        catalog.Save(orphaned with { Id = "before-the-switch", EndLsn = Lsn.Parse("0/A005DA0") });
        Directory.CreateDirectory(catalog.DataDirectory("orphaned"));
        var archive = new FakeWalArchive();
        archive.HistoryEntries[3] = [new TimelineHistoryEntry(1, Lsn.Parse("0/9000268"), ""), new TimelineHistoryEntry(2, Lsn.Parse("0/A005DA0"), "")];

        var backups = await new BackupWalCompletion(catalog, archive).RefreshAsync(TestContext.Current.CancellationToken);

        var failed = backups.Single(b => b.Id == "orphaned");
        Assert.Equal(BackupStatus.Failed, failed.Status);
        Assert.Equal("its WAL after 0/A005DA0 is not part of the cluster's history: timeline 2 ended there (a failover) before the backup did, at 0/A005DC8",
            failed.Error);
        Assert.False(Directory.Exists(catalog.DataDirectory("orphaned")));
        Assert.Equal(BackupStatus.WaitingForWals, backups.Single(b => b.Id == "before-the-switch").Status);
    }

    [Fact]
    public void The_pid_round_trips_through_backup_info_and_is_absent_when_unknown()
    {
        var started = Started("a", 1234);

        Assert.Contains("pid=1234\n", BackupInfoFile.Render(started), StringComparison.Ordinal);
        Assert.Equal(1234, BackupInfoFile.Parse(BackupInfoFile.Render(started)).Pid);
        Assert.DoesNotContain("pid=", BackupInfoFile.Render(started with { Pid = null }), StringComparison.Ordinal);
        Assert.Null(BackupInfoFile.Parse(BackupInfoFile.Render(started with { Pid = null })).Pid);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
