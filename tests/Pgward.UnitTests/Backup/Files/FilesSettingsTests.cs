using Pgward.Backup;
using Pgward.Backup.Catalog;
using Xunit;
using static Pgward.UnitTests.Backup.BackupInfos;

namespace Pgward.UnitTests.Backup.Files;

public sealed class FilesSettingsTests
{
    private static Dictionary<string, string> Section(params (string Key, string Value)[] extra)
    {
        var section = new Dictionary<string, string> { ["backup_directory"] = "/var/lib/pgward/backup", ["conninfo"] = "host=db1 user=pgward" };
        foreach (var (key, value) in extra)
        {
            section[key] = value;
        }
        return section;
    }

    [Fact]
    public void Bind_reads_backup_method_reuse_backup_and_parallel_jobs_with_their_defaults()
    {
        var (defaults, _, _) = BackupOptions.Bind(Section(), "pgward.conf");
        var settings = BackupSettings.From(defaults!);
        Assert.Equal((BackupMethod.Tar, false, 2, WalSummaryUse.Auto), (settings.Method, settings.ReuseByLink, settings.ParallelJobs, settings.WalSummaries));

        var (files, errors, warnings) = BackupOptions.Bind(
            Section(("backup_method", "files"), ("reuse_backup", "link"), ("parallel_jobs", "4"), ("wal_summaries", "on")), "pgward.conf");
        Assert.Empty(errors);
        Assert.Empty(warnings);
        var chosen = BackupSettings.From(files!);
        Assert.Equal((BackupMethod.Files, true, 4, WalSummaryUse.On), (chosen.Method, chosen.ReuseByLink, chosen.ParallelJobs, chosen.WalSummaries));
    }

    [Theory]
    [InlineData("backup_method", "rsync", "expected \"tar\" (pg_basebackup) or \"files\"")]
    [InlineData("reuse_backup", "copy", "expected \"off\" or \"link\"")]
    [InlineData("reuse_backup", "link", "link needs backup_method = files")]
    [InlineData("parallel_jobs", "0", "expected an integer from 1 to 32")]
    [InlineData("wal_summaries", "yes", "expected \"auto\" (read the WAL for the changed pages when it costs less than the tables), \"on\" or \"off\"")]
    public void Bind_refuses_a_bad_value_naming_the_key(string key, string value, string message)
    {
        var (options, errors, _) = BackupOptions.Bind(Section((key, value)), "pgward.conf");
        Assert.Null(options);
        var error = Assert.Single(errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_info_keeps_method_parent_linked_size_and_list_time_and_reads_old_files_as_tar()
    {
        var info = Done("20261205T040000", Now) with
        {
            Method = BackupMethod.Files, Parent = "20261204T040000", LinkedSize = 4096, ListTime = Now.AddMinutes(-1),
        };
        var back = BackupInfoFile.Parse(BackupInfoFile.Render(info));
        Assert.Equal((BackupMethod.Files, "20261204T040000", 4096L, Now.AddMinutes(-1)), (back.Method, back.Parent, back.LinkedSize, back.ListTime));

        var old = BackupInfoFile.Parse(BackupInfoFile.Render(Done("20261205T040000", Now)));
        Assert.Equal((BackupMethod.Tar, (string?)null), (old.Method, old.Parent));
    }
}
