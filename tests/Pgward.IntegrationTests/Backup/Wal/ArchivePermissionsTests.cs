using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

/// <summary>The backup home holds the cluster's data (WAL carries every row written): its owner and group (the server
/// account's, which restore_command runs as) read it, no other user.</summary>
public sealed class ArchivePermissionsTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    private const UnixFileMode OtherOrGroupWrite = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;

    [Fact]
    public async Task Archived_wal_partials_base_backups_and_catalog_files_are_kept_from_other_users()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        await using var receiver = ReceiverRun.Start(config, Token);
        await server.ExecuteAsync("CREATE TABLE t AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 20000) g", Token);
        var switched = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.True(switched.ExitCode == 0, switched + "\n" + receiver.Log);
        var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait", "--wait-timeout", "90");
        Assert.True(create.ExitCode == 0, create + "\n" + receiver.Log);
        await server.ExecuteAsync("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g", Token);

        var root = receiver.Options.Layout.Root;
        var layout = receiver.Options.Layout;
        // The receiver opens the next .partial when the WAL after the segment it closed arrives.
        for (var i = 0; i < 300 && System.IO.Directory.GetFiles(layout.StreamingDirectory, "*.partial").Length == 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
        Assert.NotEmpty(System.IO.Directory.GetFiles(layout.WalDirectory, "*.zst", SearchOption.AllDirectories));
        Assert.NotEmpty(System.IO.Directory.GetFiles(layout.StreamingDirectory, "*.partial"));
        Assert.NotEmpty(System.IO.Directory.GetFiles(layout.BaseDirectory, "backup.info", SearchOption.AllDirectories));
        var open = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Prepend(new DirectoryInfo(root)))
        {
            var mode = entry.UnixFileMode;
            if ((mode & OtherOrGroupWrite) != 0 || (entry is DirectoryInfo && !mode.HasFlag(UnixFileMode.SetGroup)))
            {
                open.Add($"{Convert.ToString((int)mode, 8)} {Path.GetRelativePath(root, entry.FullName)}");
            }
        }
        Assert.True(open.Count == 0, "readable by others:\n" + string.Join('\n', open));
    }
}
