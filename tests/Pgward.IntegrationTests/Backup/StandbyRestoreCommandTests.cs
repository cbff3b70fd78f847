using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// <c>standby restore-command</c>: a standby cloned before the backup server was registered (the sandbox clones its
/// standbys first, as the deployment guide does) gets the restore_command a clone gets now, with a reload; a wrong
/// backup server name changes nothing.
/// </summary>
public sealed class StandbyRestoreCommandTests : PgIntegrationTest
{
    private const string Setting = "SELECT setting FROM pg_settings WHERE name = 'restore_command'";

    [Fact]
    public async Task A_standby_cloned_before_the_backup_server_gets_the_wal_fetch_restore_command_with_a_reload()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            var standby = sandbox.ConnectionString(2);
            var started = await Sql.ScalarAsync<string>(standby, "SELECT pg_postmaster_start_time()::text", Token);
            Assert.Equal("", await Sql.ScalarAsync<string>(standby, Setting, Token));

            var wrong = await PgwardCli.RunAsync(Sandbox.Executable, Token, "-f", sandbox.Config(2), "standby", "restore-command", "--backup-server", "nope");
            Assert.True(wrong.ExitCode == 1, wrong.ToString());
            Assert.Contains("no backup server named \"nope\" is registered", wrong.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", wrong.Error, StringComparison.Ordinal);

            var dryRun = await PgwardCli.RunAsync(Sandbox.Executable, Token, "-f", sandbox.Config(2), "standby", "restore-command", "--dry-run");
            Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
            Assert.Contains("would set restore_command = ", dryRun.Error, StringComparison.Ordinal);
            Assert.Equal("", await Sql.ScalarAsync<string>(standby, Setting, Token));

            var set = await PgwardCli.RunAsync(Sandbox.Executable, Token, "-f", sandbox.Config(2), "standby", "restore-command");
            Assert.True(set.ExitCode == 0, set.ToString());
            Assert.Contains("restore_command fetches WAL from the backup server at https://127.0.0.1:", set.Error, StringComparison.Ordinal);
            // What a clone writes (WalFetchCatchUpTests checks that one), applied by a reload: the server was not restarted.
            Assert.StartsWith($"{PgwardProcess.Executable} -f {sandbox.Config(2)} backup wal-fetch --server https://127.0.0.1:",
                await Sql.ScalarAsync<string>(standby, Setting, Token), StringComparison.Ordinal);
            Assert.Equal(started, await Sql.ScalarAsync<string>(standby, "SELECT pg_postmaster_start_time()::text", Token));
            Assert.Equal("streaming", await Sql.ScalarAsync<string?>(standby, "SELECT status FROM pg_stat_wal_receiver", Token));

            var again = await PgwardCli.RunAsync(Sandbox.Executable, Token, "-f", sandbox.Config(2), "standby", "restore-command");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("restore_command already fetches WAL from the backup server", again.Error, StringComparison.Ordinal);
        }
        finally
        {
            await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
        }
    }
}
