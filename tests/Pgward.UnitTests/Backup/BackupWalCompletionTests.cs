using Pgward.Backup;
using Pgward.Backup.Catalog;
using static Pgward.UnitTests.Backup.BackupInfos;
using Xunit;

namespace Pgward.UnitTests.Backup;

/// <summary>
/// The fault suite's kill-base-backup found backups left STARTED for ever after their <c>backup create</c> was killed
/// (scenario backup-faults, mode sync, seed 1): the catalog now marks them FAILED once their process is gone.
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
