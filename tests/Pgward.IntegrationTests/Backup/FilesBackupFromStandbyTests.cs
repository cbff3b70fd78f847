using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// A files backup taken through a standby's agent (<c>backup create --from node2</c>): pg_backup_start and
/// pg_backup_stop run on the standby, whose backup_label names the standby's restart point; the restored directory
/// recovers to consistency with the rows the primary had written before the backup.
/// </summary>
public sealed partial class FilesBackupFromStandbyTests : PgIntegrationTest
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
            await VerifyAndRecoverOntoNode2Async(sandbox, "from-standby");
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

    /// <summary>After a failover, or with <c>--from</c> a standby, an incremental's parent holds the primary's bytes of pages
    /// the standby holds with other command ids: equal masked (<c>PageMask</c>), so not sent, and the stored copy keeps the
    /// parent's bytes. The manifest's checksum must be of those (the blocks' CRCs combined), or <c>verify</c> and
    /// <c>check</c> report damage where there is none.</summary>
    [Fact]
    public async Task An_incremental_through_a_standby_over_a_full_backup_of_the_primary_verifies_and_recovers_its_rows()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token, writeToken: false);
            var node1 = sandbox.ConnectionString(1);
            var node2 = sandbox.ConnectionString(2);
            // Rows written by the transaction's second command: command id 1 on the primary, 0 where the standby replayed them.
            await Sql.ExecuteAsync(node1, "BEGIN; CREATE TABLE cid_rows (g int, filler text); INSERT INTO cid_rows SELECT g, md5(g::text) FROM generate_series(1, 40000) g; COMMIT", Token);
            await Sql.ExecuteAsync(node1, "CHECKPOINT", Token);
            await File.AppendAllTextAsync(sandbox.BackupConfig, "\nbackup_method = files\nparallel_jobs = 2\n", Token);
            var full = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--full", "--wait", "--name", "full-of-primary");
            Assert.True(full.ExitCode == 0, full.ToString());

            await Sql.ExecuteAsync(node1, "INSERT INTO cid_rows VALUES (0, 'after the full')", Token);
            await Sql.ExecuteAsync(node1, "CHECKPOINT", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM cid_rows", Token) == 40001, Token);
            var incremental = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--incremental", "--from", "node2", "--wait",
                "--name", "incremental-of-standby");
            Assert.True(incremental.ExitCode == 0, incremental.ToString());
            Assert.Contains("sent as changed blocks", incremental.Error, StringComparison.Ordinal);
            // Over another node's backup, files under 1 MiB (no block map) are compared by a SHA-256 of the parent's copy,
            // and those the standby holds byte for byte as the primary did are linked rather than stored again.
            var unchanged = UnchangedByChecksum().Match(incremental.Error);
            Assert.True(unchanged.Success && int.Parse(unchanged.Groups[1].Value, CultureInfo.InvariantCulture) >= 100, incremental.Error);

            await VerifyAndRecoverOntoNode2Async(sandbox, "incremental-of-standby");
            const string rows = "SELECT count(*) || ' ' || md5(string_agg(filler, ',' ORDER BY g)) FROM cid_rows";
            Assert.Equal(await Sql.ScalarAsync<string>(node1, rows, Token), await Sql.ScalarAsync<string>(node2, rows, Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary><c>backup verify</c> of the backup, then <c>recover --node node2</c> onto its stopped server, started and
    /// left paused at the backup's end.</summary>
    private async Task VerifyAndRecoverOntoNode2Async(Sandbox sandbox, string backup)
    {
        var verify = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "verify", backup);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", backup, "--node", "node2",
            "--target-immediate", "--target-action", "pause");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        await sandbox.StartServerAsync(2, Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2), "SELECT pg_is_wal_replay_paused()", Token), Token);
    }

    [GeneratedRegex(@"(\d+) found unchanged by checksum")]
    private static partial Regex UnchangedByChecksum();
}
