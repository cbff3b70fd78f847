using Npgsql;
using Pgward.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

public sealed class WalStreamingTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Receiver_archives_segments_closed_by_switch_wal_byte_for_byte_and_wal_restore_returns_them()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        await using var receiver = ReceiverRun.Start(config, Token);

        await server.ExecuteAsync("CREATE TABLE t (id int, filler text)", Token);
        var closed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await server.ExecuteAsync("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g", Token);
            var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
            Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
            closed.Add(run.Error.Split("WAL file ")[1][..24]);
        }

        var first = closed[0];
        Assert.True(WalSegment.TryParse(first, WalSegment.DefaultSize, out var firstSegment));
        Assert.True(WalSegment.TryParse(closed[^1], WalSegment.DefaultSize, out var lastSegment));
        Assert.Empty(await receiver.Archive.MissingSegmentsAsync(1, firstSegment.Start(WalSegment.DefaultSize),
            lastSegment.Start(WalSegment.DefaultSize), readContents: true, Token));

        // What wal-restore writes is exactly the server's own segment file.
        var last = closed[^1];
        var restored = Path.Combine(Directory.Path, "RECOVERYXLOG");
        var restore = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-restore", last, restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var original = await ReadServerFileAsync(server, $"pg_wal/{last}");
        Assert.Equal(original, await File.ReadAllBytesAsync(restored, Token));

        // The segment being streamed is not served; a history file that does not exist is simply missing.
        Assert.Equal(1, (await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-restore", Next(last), restored)).ExitCode);
        Assert.Equal(1, (await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-restore", "00000002.history", restored)).ExitCode);

        var slot = await server.QueryScalarAsync<string>(
            "SELECT slot_name || ':' || active FROM pg_replication_slots WHERE slot_name = 'pgward_backup'", Token);
        Assert.Equal("pgward_backup:True", slot, ignoreCase: true);
        Assert.True((await receiver.StopAsync()).Succeeded, receiver.Log);
        Assert.False(File.Exists(receiver.Options.Layout.ReceiverPidFile));
    }

    [Fact]
    public async Task Damaged_and_missing_archived_segments_are_reported_and_never_restored_short()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        var closed = new List<string>();
        await using (var receiver = ReceiverRun.Start(config, Token))
        {
            for (var i = 0; i < 4; i++)
            {
                await server.ExecuteAsync($"CREATE TABLE t{i} AS SELECT g FROM generate_series(1, 10000) g", Token);
                var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive");
                Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
                closed.Add(run.Error.Split("WAL file ")[1][..24]);
            }
            Assert.True((await receiver.StopAsync()).Succeeded, receiver.Log);
        }
        var layout = new Pgward.Backup.BackupLayout(Path.Combine(Directory.Path, "backup"));
        var archive = new WalArchive(layout);

        // Truncated compressed segment: damaged, exit code 200, and no file left at the destination.
        var truncated = layout.ArchivedSegment(closed[1]);
        var bytes = await File.ReadAllBytesAsync(truncated, Token);
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)], Token);
        var destination = Path.Combine(Directory.Path, "RECOVERYXLOG");
        var restore = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-restore", closed[1], destination);
        Assert.Equal(WalRestoreExitCodes.Damaged, restore.ExitCode);
        Assert.Contains(closed[1], restore.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));

        // A missing segment with later ones archived is a hole: recovery must stop there, not end quietly.
        File.Delete(layout.ArchivedSegment(closed[2]));
        var hole = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-restore", closed[2], destination);
        Assert.Equal(WalRestoreExitCodes.Damaged, hole.ExitCode);
        Assert.Contains("missing from the archive although later segments", hole.Error, StringComparison.Ordinal);

        Assert.True(WalSegment.TryParse(closed[0], WalSegment.DefaultSize, out var first));
        Assert.True(WalSegment.TryParse(closed[^1], WalSegment.DefaultSize, out var last));
        var missing = await archive.MissingSegmentsAsync(1, first.Start(WalSegment.DefaultSize), last.Start(WalSegment.DefaultSize), readContents: true, Token);
        Assert.Equal([closed[1], closed[2]], missing);
        var listedOnly = await archive.MissingSegmentsAsync(1, first.Start(WalSegment.DefaultSize), last.Start(WalSegment.DefaultSize), readContents: false, Token);
        Assert.Equal([closed[2]], listedOnly);
    }

    [Fact]
    public async Task Receiver_refuses_a_backup_directory_of_another_cluster()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        var layout = new Pgward.Backup.BackupLayout(Path.Combine(Directory.Path, "backup"));
        await new ClusterIdentity("1234567890", WalSegment.DefaultSize, "15").WriteAsync(layout, Token);

        await using var receiver = ReceiverRun.Start(config, Token);
        var outcome = await receiver.Running.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.False(outcome.Succeeded);
        Assert.Contains("system identifier 1234567890", outcome.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(layout.WalDirectory) && System.IO.Directory.EnumerateFileSystemEntries(layout.WalDirectory).Any());
    }

    [Fact]
    public async Task Receiver_stops_at_a_gap_the_server_cannot_fill_and_reset_restarts_it_at_the_servers_position()
    {
        var server = await StartServerAsync("primary", PgServerSettings.Default.WithGuc("wal_keep_size", "0"));
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        string archivedLast;
        await using (var receiver = ReceiverRun.Start(config, Token))
        {
            archivedLast = await SwitchAsync(config, receiver);
            Assert.True((await receiver.StopAsync()).Succeeded, receiver.Log);
        }

        // Without its slot the server recycles the WAL the archive needs next.
        await server.ExecuteAsync("SELECT pg_drop_replication_slot('pgward_backup')", Token);
        for (var i = 0; i < 4; i++)
        {
            await server.ExecuteAsync($"CREATE TABLE gap{i} AS SELECT g FROM generate_series(1, 10000) g; SELECT pg_switch_wal(); CHECKPOINT", Token);
        }

        await using (var receiver = ReceiverRun.Start(config, Token))
        {
            var outcome = await receiver.Running.WaitAsync(TimeSpan.FromSeconds(60), Token);
            Assert.False(outcome.Succeeded, receiver.Log);
            Assert.Contains("has already been removed", outcome.Error, StringComparison.Ordinal);
            Assert.Contains("--reset", outcome.Hint, StringComparison.Ordinal);
        }

        var reset = await PgwardCli.RunAsync(Token, "-f", config, "backup", "receive-wal", "--reset");
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Contains("take a new base backup", reset.Error, StringComparison.Ordinal);
        await using (var receiver = ReceiverRun.Start(config, Token))
        {
            var after = await SwitchAsync(config, receiver);
            Assert.True(WalSegment.TryParse(archivedLast, WalSegment.DefaultSize, out var before));
            Assert.True(WalSegment.TryParse(after, WalSegment.DefaultSize, out var resumed));
            var gap = await receiver.Archive.MissingSegmentsAsync(1, before.Start(WalSegment.DefaultSize), resumed.Start(WalSegment.DefaultSize), readContents: false, Token);
            Assert.NotEmpty(gap);
            Assert.Equal(before.Next.Name(WalSegment.DefaultSize), gap[0]);
        }
    }

    [Fact]
    public async Task Create_slot_is_idempotent_and_stop_without_a_receiver_says_so()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        for (var i = 0; i < 2; i++)
        {
            var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "receive-wal", "--create-slot");
            Assert.True(create.ExitCode == 0, create.ToString());
        }
        Assert.Equal(1L, await server.QueryScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pgward_backup' AND restart_lsn IS NOT NULL", Token));
        var stop = await PgwardCli.RunAsync(Token, "-f", config, "backup", "receive-wal", "--stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("no WAL receiver is running", stop.Error, StringComparison.Ordinal);
        var both = await PgwardCli.RunAsync(Token, "-f", config, "backup", "receive-wal", "--stop", "--reset");
        Assert.Equal(1, both.ExitCode);
    }

    private async Task<string> SwitchAsync(string config, ReceiverRun receiver)
    {
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--force", "--archive", "--archive-timeout", "60");
        Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
        return run.Error.Split("WAL file ")[1][..24];
    }

    private static string Next(string segment)
    {
        Assert.True(WalSegment.TryParse(segment, WalSegment.DefaultSize, out var parsed));
        return parsed.Next.Name(WalSegment.DefaultSize);
    }

    private async Task<byte[]> ReadServerFileAsync(PgServer server, string path)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Token);
        await using var cmd = new NpgsqlCommand($"SELECT pg_read_binary_file('{path}')", connection);
        return (byte[])(await cmd.ExecuteScalarAsync(Token))!;
    }
}
