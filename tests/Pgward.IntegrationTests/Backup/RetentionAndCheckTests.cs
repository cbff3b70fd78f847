using Pgward.Backup.Wal;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class RetentionAndCheckTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Cron_with_redundancy_2_after_four_backups_leaves_the_two_newest_and_their_wal()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token, ("retention_policy", "REDUNDANCY 2"), ("minimum_redundancy", "1"));
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            await primary.ExecuteAsync($"CREATE TABLE t{i} AS SELECT g FROM generate_series(1, 1000) g", Token);
            ids.Add(await server.CreateDoneBackupAsync(Token));
        }
        Assert.Equal(4, ids.Distinct().Count());

        var cron = await server.RunAsync(Token, "cron");

        Assert.True(cron.ExitCode == 0, cron.ToString());
        var list = await server.RunAsync(Token, "list");
        Assert.Equal([ids[3], ids[2]], list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]));
        var oldestKept = BeginWal(server, ids[2]);
        var segments = new Pgward.Backup.Catalog.ArchivedWalScan(server.Layout).Segments();
        Assert.All(segments, s => Assert.True(string.CompareOrdinal(s.Segment.Name(WalSegment.DefaultSize), oldestKept) >= 0, $"{s.Segment.Name(WalSegment.DefaultSize)} is older than {oldestKept}"));
        Assert.Equal(oldestKept, segments[0].Segment.Name(WalSegment.DefaultSize));
        var verify = await server.RunAsync(Token, "verify", "oldest");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Delete_refuses_a_kept_backup_and_crossing_minimum_redundancy()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token, ("minimum_redundancy", "1"), ("retention_policy", "REDUNDANCY 1"));
        var first = await server.CreateDoneBackupAsync(Token, "--name", "keeper");
        var second = await server.CreateDoneBackupAsync(Token);

        Assert.Equal(0, (await server.RunAsync(Token, "keep", "keeper")).ExitCode);
        var kept = await server.RunAsync(Token, "delete", first);
        Assert.True(kept.ExitCode == 1, kept.ToString());
        Assert.Contains($"backup {first} is kept", kept.Error, StringComparison.Ordinal);
        var cron = await server.RunAsync(Token, "cron");
        Assert.Equal(0, cron.ExitCode);
        Assert.Equal(2, (await server.RunAsync(Token, "list")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        Assert.Equal(0, (await server.RunAsync(Token, "keep", "--release", first)).ExitCode);
        var deleted = await server.RunAsync(Token, "delete", first);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var last = await server.RunAsync(Token, "delete", second);
        Assert.True(last.ExitCode == 1, last.ToString());
        Assert.Contains("would leave 0 DONE backups, fewer than minimum_redundancy = 1", last.Error, StringComparison.Ordinal);
        Assert.True(Directory.Path.Length > 0 && System.IO.Directory.Exists(server.Layout.Backup(second)));
    }

    [Fact]
    public async Task Check_nagios_is_critical_naming_the_slot_then_the_primary_and_ok_when_all_is_well()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token, ("slot_name", "pgward_backup"), ("minimum_redundancy", "1"));
        await server.CreateDoneBackupAsync(Token);

        var noSlot = await server.RunAsync(Token, "check", "--nagios");
        Assert.True(noSlot.ExitCode == 2, noSlot.ToString());
        Assert.StartsWith("PGWARD CRITICAL - backup server has issues * FAILED: replication slot|", noSlot.Out, StringComparison.Ordinal);

        await primary.ExecuteAsync("SELECT pg_create_physical_replication_slot('pgward_backup')", Token);
        var ok = await server.RunAsync(Token, "check", "--nagios");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.StartsWith("PGWARD OK - backup server ready: 1 backups", ok.Out, StringComparison.Ordinal);

        await primary.StopAsync(immediate: true, Token);
        var down = await server.RunAsync(Token, "check", "--nagios");
        Assert.True(down.ExitCode == 2, down.ToString());
        Assert.StartsWith("PGWARD CRITICAL - backup server has issues * FAILED: PostgreSQL, replication slot|", down.Out, StringComparison.Ordinal);
        Assert.Contains("\nPostgreSQL: FAILED (cannot connect to the cluster:", down.Out, StringComparison.Ordinal);
        var list = await server.RunAsync(Token, "check");
        Assert.Contains("\tPostgreSQL: FAILED", list.Out, StringComparison.Ordinal);
        Assert.Contains("\tminimum redundancy requirements: OK (have 1 backups, expected at least 1)", list.Out, StringComparison.Ordinal);
    }

    private static string BeginWal(BackupServerFixture server, string id) =>
        File.ReadAllLines(Path.Combine(server.Layout.Backup(id), "backup.info")).Single(l => l.StartsWith("begin_wal=", StringComparison.Ordinal))[10..];
}
