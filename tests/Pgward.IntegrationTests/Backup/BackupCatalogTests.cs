using Pgward.Backup.Base;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupCatalogTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Create_waits_for_wal_then_list_show_and_verify_report_a_done_backup()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync("CREATE TABLE t AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 20000) g", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);

        // One backup at a time: while another process holds the lock (here the test's), create starts nothing.
        var (held, problem) = BackupRunLock.TryTake(server.Layout);
        Assert.True(held is not null, problem);
        using (held)
        {
            var refused = await server.RunAsync(Token, "create", "--name", "monday");
            Assert.True(refused.ExitCode == 14, refused.ToString());
            Assert.Contains("another backup is running on this backup server", refused.Error, StringComparison.Ordinal);
            Assert.False(System.IO.Directory.Exists(server.Layout.BaseDirectory) && System.IO.Directory.EnumerateDirectories(server.Layout.BaseDirectory).Any());
            Assert.Null(BackupRunLock.TryTake(server.Layout).Lock);
        }

        var create = await server.RunAsync(Token, "create", "--name", "monday");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("WAITING_FOR_WALS", create.Error, StringComparison.Ordinal);
        var waiting = await server.RunAsync(Token, "list");
        Assert.EndsWith("WAITING_FOR_WALS (monday)", waiting.Out.Trim(), StringComparison.Ordinal);

        await server.ArchiveWalAsync(Token);
        var list = await server.RunAsync(Token, "list");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(list.Out.Trim(), @"^\d{8}T\d{6} - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00 - Size: [\d.]+ MiB - WAL Size: [\d.]+ (B|KiB|MiB) \(monday\)$"), list.ToString());
        var id = list.Out.Split(' ')[0];
        Assert.True(BackupIds.IsId(id));

        var json = await server.RunAsync(Token, "list", "--json");
        Assert.Contains($"\"backup_id\": \"{id}\"", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"DONE\"", json.Out, StringComparison.Ordinal);

        var show = await server.RunAsync(Token, "show", "monday");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"Backup {id}:", show.Out, StringComparison.Ordinal);
        Assert.Contains("Status                : DONE", show.Out, StringComparison.Ordinal);
        Assert.Contains("Timeline              : 1", show.Out, StringComparison.Ordinal);

        var verify = await server.RunAsync(Token, "verify", "latest");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"backup {id} verified", verify.Out, StringComparison.Ordinal);

        var info = await File.ReadAllTextAsync(Path.Combine(server.Layout.Backup(id), "backup.info"), Token);
        var systemId = await primary.QueryScalarAsync<string>("SELECT system_identifier::text FROM pg_control_system()", Token);
        Assert.Contains($"systemid={systemId}\n", info, StringComparison.Ordinal);
        Assert.Contains("status=DONE\n", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_checks_the_files_of_a_tablespace_archive_and_status_summarizes_the_server()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var location = await Directory.CreateSubdirectoryAsync("tablespace", Token);
        await primary.ExecuteAsync($"CREATE TABLESPACE extra LOCATION '{location}'", Token);
        await primary.ExecuteAsync("CREATE TABLE t TABLESPACE extra AS SELECT g AS id FROM generate_series(1, 10000) g", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        var id = await server.CreateDoneBackupAsync(Token);
        var oid = await primary.QueryScalarAsync<uint>("SELECT oid FROM pg_tablespace WHERE spcname = 'extra'", Token);
        Assert.True(File.Exists(Path.Combine(server.Layout.Backup(id), "data", $"{oid}.tar.lz4")));

        var verify = await server.RunAsync(Token, "verify", id);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        var status = await server.RunAsync(Token, "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("\tBackups: 1 (1 DONE)", status.Out, StringComparison.Ordinal);
        Assert.Contains("\tMinimum redundancy requirements: satisfied (1/0)", status.Out, StringComparison.Ordinal);
        Assert.Contains("\tCluster: primary \"127.0.0.1:", status.Out, StringComparison.Ordinal);

        // The tablespace's location is in use by the running primary: recovery refuses it, or restores it elsewhere.
        var inUse = await server.RunAsync(Token, "recover", id, Path.Combine(Directory.Path, "refused"), "--target-immediate");
        Assert.True(inUse.ExitCode == 5, inUse.ToString());
        Assert.Contains($"restore it elsewhere with --tablespace {oid}:/new/location", inUse.Error, StringComparison.Ordinal);
        var elsewhere = await Directory.CreateSubdirectoryAsync("tablespace-restored", Token);
        var destination = await PgServer.DataDirectoryFor(Directory, "restored", Token);
        var recover = await server.RunAsync(Token, "recover", id, destination, "--target-immediate", "--target-action", "promote",
            "--tablespace", $"{oid}:{elsewhere}");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        Assert.Equal($"{oid} {elsewhere}\n", await File.ReadAllTextAsync(Path.Combine(destination, "tablespace_map"), Token));
        await server.UseApphostRestoreCommandAsync(destination, Token);
        var restored = await PgServer.AdoptAsync(Directory, "restored", BackupServerFixture.PrimarySettings, Token);
        await restored.StartAsync(Token);
        while (await restored.QueryScalarAsync<bool>("SELECT pg_is_in_recovery()", Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
        Assert.Equal(10000L, await restored.QueryScalarAsync<long>("SELECT count(*) FROM t", Token));
        Assert.Equal(elsewhere, await restored.QueryScalarAsync<string>("SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = 'extra'", Token));
    }

    /// <summary>A source whose pg_hba.conf is kept outside its data directory (Debian keeps all three in /etc): the backup
    /// records where, under Barman's keys, and a recovery says that file is not restored, as Barman's does.</summary>
    [Fact]
    public async Task Recovery_names_the_configuration_file_the_source_kept_outside_its_data_directory()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var etc = await Directory.CreateSubdirectoryAsync("etc", Token);
        var hba = Path.Combine(etc, "pg_hba.conf");
        File.Copy(Path.Combine(primary.DataDirectory, "pg_hba.conf"), hba);
        await PgTestEnvironment.Require().Account.ChownAsync(hba, Token);
        await primary.ExecuteAsync($"ALTER SYSTEM SET hba_file = '{hba}'", Token);
        await primary.StopAsync(immediate: false, Token);
        await primary.StartAsync(Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        var id = await server.CreateDoneBackupAsync(Token);

        var info = await File.ReadAllTextAsync(Path.Combine(server.Layout.Backup(id), "backup.info"), Token);
        Assert.Contains($"hba_file={hba}\n", info, StringComparison.Ordinal);
        Assert.Contains($"pgdata={primary.DataDirectory}\n", info, StringComparison.Ordinal);
        var recover = await server.RunAsync(Token, "recover", id, Path.Combine(Directory.Path, "r"), "--target-immediate");

        Assert.True(recover.ExitCode == 0, recover.ToString());
        Assert.Contains($"WARNING: the backup holds the data directory of 127.0.0.1:{primary.Port} only: {hba} was outside it and is not restored",
            recover.Error, StringComparison.Ordinal);
        Assert.Contains("HINT: start the server: pg_ctl -D", recover.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_wait_gives_up_after_its_timeout_and_the_backup_becomes_done_when_the_wal_arrives()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);

        var create = await server.RunAsync(Token, "create", "--wait", "--wait-timeout", "2");

        Assert.True(create.ExitCode == 14, create.ToString());
        Assert.Contains("is WAITING_FOR_WALS: 1 WAL segment(s) not archived yet, first 0000000100000000000000", create.Error, StringComparison.Ordinal);
        Assert.Contains("after waiting 2 s", create.Error, StringComparison.Ordinal);
        var recover = await server.RunAsync(Token, "recover", "latest", Path.Combine(Directory.Path, "r"));
        Assert.Contains("there is no DONE backup to recover from", recover.Error, StringComparison.Ordinal);

        await server.ArchiveWalAsync(Token);
        var list = await server.RunAsync(Token, "list");
        Assert.DoesNotContain("WAITING", list.Out, StringComparison.Ordinal);
        Assert.Contains("status=DONE", await File.ReadAllTextAsync(Path.Combine(server.Layout.Backup(list.Out.Split(' ')[0]), "backup.info"), Token),
            StringComparison.Ordinal);
    }
}
