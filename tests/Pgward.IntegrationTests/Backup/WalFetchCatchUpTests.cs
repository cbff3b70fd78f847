using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Cluster.Clone;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// Issue 16's acceptance: a standby stopped while its primary recycles the WAL it still needs catches up through
/// <c>backup wal-fetch</c> (the restore_command standby clone set) when started again, instead of being re-cloned.
/// </summary>
public sealed class WalFetchCatchUpTests : PgIntegrationTest
{
    [Fact]
    public async Task A_standby_stopped_while_its_primary_recycles_wal_catches_up_from_the_backup_server()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            var primary = sandbox.ConnectionString(1);
            var standby = sandbox.ConnectionString(2);
            await ReclonePointingAtTheBackupServerAsync(sandbox);
            await WaitStreamingAsync(standby);

            await Sql.ExecuteAsync(primary, "CREATE TABLE caught_up (n int)", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(standby, "SELECT to_regclass('caught_up') IS NOT NULL", Token), Token);
            var stoppedAt = await Sql.ScalarAsync<string>(primary, "SELECT pg_walfile_name(pg_current_wal_lsn())", Token);
            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());

            // The primary keeps nothing for it: no slot, no wal_keep_size; it writes and recycles several segments.
            await Sql.ExecuteAsync(primary, "ALTER SYSTEM SET wal_keep_size = 0", Token);
            await Sql.ExecuteAsync(primary, "SELECT pg_reload_conf()", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(primary,
                $"SELECT NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '{NodeRecords.SlotName(2)}' AND active)", Token), Token);
            await Sql.ExecuteAsync(primary, $"SELECT pg_drop_replication_slot('{NodeRecords.SlotName(2)}')", Token);
            var written = new List<string>();
            for (var i = 1; i <= 6; i++)
            {
                await Sql.ExecuteAsync(primary, $"INSERT INTO caught_up SELECT g FROM generate_series(1, 50000) g", Token);
                written.Add(await Sql.ScalarAsync<string>(primary, "SELECT pg_walfile_name(pg_switch_wal())", Token));
            }
            var archived = await PgwardCli.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
            Assert.True(archived.ExitCode == 0, archived.ToString());
            // Once the backup server's slot has moved past them, checkpoints remove (or recycle) them.
            await Sql.WaitUntilAsync(async () =>
            {
                await Sql.ExecuteAsync(primary, "CHECKPOINT", Token);
                return await Sql.ScalarAsync<bool>(primary, $"SELECT NOT EXISTS (SELECT FROM pg_ls_waldir() WHERE name = '{stoppedAt}')", Token);
            }, Token);
            var rows = await Sql.ScalarAsync<long>(primary, "SELECT count(*) FROM caught_up", Token);

            // A slot again (as registering the standby anew would give it), reserving nothing until the standby connects:
            // the standby streams once it has replayed what the archive holds, from a position the primary still has.
            await Sql.ExecuteAsync(primary, $"SELECT pg_create_physical_replication_slot('{NodeRecords.SlotName(2)}')", Token);
            await sandbox.StartServerAsync(2, Token);
            var log = Path.Combine(sandbox.Directory, "node2", "postgresql.log");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(standby, "SELECT count(*) FROM caught_up", Token) == rows
                    && await Sql.ScalarAsync<string?>(standby, "SELECT status FROM pg_stat_wal_receiver", Token) == "streaming", deadline.Token);
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
                Assert.Fail($"the standby did not catch up; its log:\n{Tail(log)}");
            }
            var text = await File.ReadAllTextAsync(log, Token);
            Assert.True(written.Any(s => text.Contains($"restored log file \"{s}\" from archive", StringComparison.Ordinal)), Tail(log));
        }
        finally
        {
            await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            // The standby's spool: the default one, in /var/tmp.
            var node2 = Pgward.Core.Config.ConfigLoader.LoadFile(sandbox.Config(2)).Options!;
            var spool = WalPrefetch.DefaultSpoolDirectory(node2.NodeName, node2.DataDirectory);
            if (System.IO.Directory.Exists(spool))
            {
                System.IO.Directory.Delete(spool, recursive: true);
            }
        }
    }

    /// <summary>The sandbox cloned node 2 before its backup server existed: clone it again, as a user adding a standby
    /// would, so that clone writes the restore_command (naming the CLI's apphost: PGWARD_EXECUTABLE).</summary>
    private async Task ReclonePointingAtTheBackupServerAsync(Sandbox sandbox)
    {
        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        // The node's own server settings (certificate, socket directory) live in postgresql.conf, which a clone copies from the primary.
        var settings = await File.ReadAllTextAsync(Path.Combine(sandbox.DataDirectory(2), "postgresql.conf"), Token);
        var clone = await PgwardCli.RunAsync(Sandbox.Executable, Token, "-f", sandbox.Config(2), "standby", "clone", "-h", "127.0.0.1",
            "-p", $"{sandbox.BasePort}", "-U", "pgward", "-d", "pgward", "--fast-checkpoint", "--force");
        Assert.True(clone.ExitCode == 0, clone.ToString());
        Assert.Contains("restore_command fetches WAL from the backup server at https://127.0.0.1:", clone.Error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(sandbox.DataDirectory(2), "postgresql.conf"), settings, Token);
        var autoConf = await File.ReadAllTextAsync(Path.Combine(sandbox.DataDirectory(2), StandbyConfiguration.AutoConfFile), Token);
        Assert.Contains($"restore_command = '{PgwardProcess.Executable} -f {sandbox.Config(2)} backup wal-fetch --server https://127.0.0.1:",
            autoConf, StringComparison.Ordinal);
        await sandbox.StartServerAsync(2, Token);
    }

    private async Task WaitStreamingAsync(string standby) =>
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<string?>(standby, "SELECT status FROM pg_stat_wal_receiver", Token) == "streaming", Token);

    private static string Tail(string log) => File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(60)) : "(no log)";
}
