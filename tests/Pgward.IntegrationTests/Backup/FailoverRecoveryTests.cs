using Pgward.IntegrationTests.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// Issue 5's acceptance "across a failover": a base backup on timeline 1, the primary killed and a standby promoted
/// by pgward, writes on timeline 2; the backup server's daemon (the real WAL receiver) goes on streaming from the new
/// primary without a config change, and recovery from the timeline 1 backup to a restore point made after the
/// failover holds exactly the rows committed before it. backup check and backup create keep working with the
/// configured node down.
/// </summary>
public sealed class FailoverRecoveryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(5);

    // A promotion's checkpoint is not immediate, so pg_control_checkpoint() may still show the old timeline.
    /// <summary>Recovery refuses a max_connections below the sandbox primary's 50.</summary>
    public static PgServerSettings SandboxRestoreSettings => PgServerSettings.Default.WithGuc("max_connections", "50");

    /// <summary>A sandbox's superuser is pgward (with the sandbox's password), not the harness's postgres; the restored
    /// server presents the harness's certificate.</summary>
    public static string SandboxConnectionString(PgServer restored, Sandbox sandbox) =>
        $"Host=127.0.0.1;Port={restored.Port};Username=pgward;Database=pgward;Pooling=false;Timeout=5;SSL Mode=VerifyFull"
        + $";Root Certificate={TestAuthentication.Current.CaFile};Passfile={sandbox.PasswordFile}";

    private const string CurrentTimelineSql = "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)";

    [Fact]
    public async Task Recovery_from_a_timeline_1_backup_reaches_a_restore_point_written_after_a_failover()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var config = ReceiverRun.WriteConfig(Directory.Path, sandbox.Conninfo(1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
        try
        {
            await Sql.ExecuteAsync(sandbox.ConnectionString(1),
                "CREATE TABLE t (id int PRIMARY KEY, tli int NOT NULL); INSERT INTO t SELECT g, 1 FROM generate_series(1, 100) g", Token);
            var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait");
            Assert.True(create.ExitCode == 0, create.ToString());
            var list = await PgwardCli.RunAsync(Token, "-f", config, "backup", "list", "--json");
            Assert.Contains("\"timeline\": 1", list.Out, StringComparison.Ordinal);

            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT g, 1 FROM generate_series(101, 200) g", Token);
            var written = await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2),
                $"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn", Token), Token);

            await sandbox.KillPostmasterAsync(1, Token);
            var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
            Assert.True(promote.ExitCode == 0, promote.ToString());
            Assert.Equal("00000002", await Sql.ScalarAsync<string>(sandbox.ConnectionString(2), CurrentTimelineSql, Token));

            await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t SELECT g, 2 FROM generate_series(201, 300) g", Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(2), "SELECT pg_create_restore_point('after_failover')", Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t SELECT g, 2 FROM generate_series(301, 350) g", Token);

            // The same pgward.conf, whose conninfo names the dead node 1: the primary is found from the metadata.
            var switchWal = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
            Assert.True(switchWal.ExitCode == 0, switchWal.ToString());
            Assert.Contains("WAL file 00000002", switchWal.Error, StringComparison.Ordinal);
            // Archive continuity across the timeline switch, the slot on the new primary, streaming: all OK.
            var check = await PgwardCli.RunAsync(Token, "-f", config, "backup", "check", "--nagios");
            Assert.True(check.ExitCode == 0, check.ToString());

            var destination = await PgServer.DataDirectoryFor(Directory, "restored", Token);
            var recover = await PgwardProcess.RunAsync(Token, "-f", config, "backup", "recover", "latest", destination,
                "--target-name", "after_failover", "--target-action", "promote");
            Assert.True(recover.ExitCode == 0, recover.ToString());

            var restored = await PgServer.AdoptAsync(Directory, "restored", SandboxRestoreSettings, Token);
            await restored.StartAsync(Token);
            var connection = SandboxConnectionString(restored, sandbox);
            await Sql.WaitUntilAsync(async () => !await Sql.ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", Token), Token);
            Assert.Equal("1:200 2:100", await Sql.ScalarAsync<string>(connection,
                "SELECT string_agg(tli || ':' || n, ' ' ORDER BY tli) FROM (SELECT tli, count(*) n FROM t GROUP BY tli) c", Token));
            Assert.Equal(300, await Sql.ScalarAsync<int>(connection, "SELECT max(id) FROM t", Token));
            Assert.Equal(300L, await Sql.ScalarAsync<long>(connection, "SELECT count(DISTINCT id) FROM t", Token));
            Assert.Equal("00000003", await Sql.ScalarAsync<string>(connection, CurrentTimelineSql, Token));
            await restored.StopAsync(immediate: true, Token);

            // Base backups go on as well, from the new primary, with the same pgward.conf.
            var second = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait");
            Assert.True(second.ExitCode == 0, second.ToString());
            var latest = await PgwardCli.RunAsync(Token, "-f", config, "backup", "show", "latest");
            Assert.Contains("node2", latest.Out, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            var ended = await daemon;
            Assert.True(ended.ExitCode == 0, ended.ToString());
        }
    }
}
