using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// A files backup taken through a standby's agent (<c>backup create --from node2</c>): pg_backup_start and
/// pg_backup_stop run on the standby, whose backup_label names the standby's restart point; the restored directory
/// recovers to consistency with the rows the primary had written before the backup.
/// </summary>
public sealed class FilesBackupFromStandbyTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Files_backup_through_a_standbys_agent_recovers_the_rows_the_primary_wrote_before_it()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token, writeToken: false);
            var node2 = sandbox.ConnectionString(2);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1),
                "CREATE TABLE standby_rows AS SELECT g, md5(g::text) AS filler FROM generate_series(1, 40000) g", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_class WHERE relname = 'standby_rows'", Token) == 1, Token);
            await File.AppendAllTextAsync(sandbox.BackupConfig, "\nbackup_method = files\nparallel_jobs = 2\n", Token);

            var create = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--from", "node2", "--wait", "--name", "from-standby");
            Assert.True(create.ExitCode == 0, create.ToString());
            Assert.Contains("of \"node2\" (standby)", create.Error, StringComparison.Ordinal);
            var verify = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "verify", "from-standby");
            Assert.True(verify.ExitCode == 0, verify.ToString());

            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "from-standby", "--node", "node2",
                "--target-immediate", "--target-action", "pause");
            Assert.True(recover.ExitCode == 0, recover.ToString());
            await sandbox.StartServerAsync(2, Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token), Token);
            Assert.Equal(40000L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM standby_rows", Token));
            Assert.Equal(await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT md5(string_agg(filler, ',' ORDER BY g)) FROM standby_rows", Token),
                await Sql.ScalarAsync<string>(node2, "SELECT md5(string_agg(filler, ',' ORDER BY g)) FROM standby_rows", Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }
}
