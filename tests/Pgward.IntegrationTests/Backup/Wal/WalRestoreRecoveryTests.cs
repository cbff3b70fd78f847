using System.Text.RegularExpressions;
using Pgward.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

/// <summary>wal-restore as PostgreSQL's own restore_command: a base backup taken without WAL recovers from the archive
/// alone, and a damaged archived segment stops recovery with an error instead of ending it early.</summary>
public sealed partial class WalRestoreRecoveryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Base_backup_without_wal_recovers_every_row_through_wal_restore_and_a_damaged_segment_stops_recovery()
    {
        var primary = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, primary.Conninfo);
        await using var receiver = ReceiverRun.Start(config, Token);
        await primary.ExecuteAsync("CREATE TABLE t (id int)", Token);
        await SwitchAsync(config, receiver);

        await BaseBackupAsync(primary, "restored");
        var damaged = await BaseBackupAsync(primary, "damaged");
        for (var i = 0; i < 10; i++)
        {
            await primary.ExecuteAsync($"INSERT INTO t SELECT g FROM generate_series({i * 1000 + 1}, {(i + 1) * 1000}) g", Token);
        }
        await SwitchAsync(config, receiver);

        var restored = await PrepareRecoveryAsync("restored", config);
        await restored.StartAsync(Token);
        await Sql.WaitUntilAsync(async () => !await restored.QueryScalarAsync<bool>("SELECT pg_is_in_recovery()", Token), Token);
        Assert.Equal(10000L, await restored.QueryScalarAsync<long>("SELECT count(*) FROM t", Token));

        // The segment the backup starts in is needed before the server is consistent: damaged, recovery cannot start.
        var firstSegment = StartWalFile().Match(await File.ReadAllTextAsync(Path.Combine(damaged, "backup_label"), Token)).Groups[1].Value;
        var archived = receiver.Options.Layout.ArchivedSegment(firstSegment);
        var bytes = await File.ReadAllBytesAsync(archived, Token);
        await File.WriteAllBytesAsync(archived, bytes[..^100], Token);
        var broken = await PrepareRecoveryAsync("damaged", config);
        await Assert.ThrowsAsync<InvalidOperationException>(() => broken.StartAsync(Token));
        var log = broken.TailLog(200);
        Assert.Contains($"cannot restore WAL file {firstSegment}", log, StringComparison.Ordinal);
        Assert.Contains($"exit code {WalRestoreExitCodes.Damaged}", log, StringComparison.Ordinal);
    }

    private async Task<string> BaseBackupAsync(PgServer primary, string name)
    {
        var env = PgTestEnvironment.Require();
        var data = await PgServer.DataDirectoryFor(Directory, name, Token);
        var backup = await env.Runner.RunAsync(env.ToolRequest("pg_basebackup",
            ["-D", data, "-X", "none", "-c", "fast", "-d", primary.Conninfo], TimeSpan.FromSeconds(60)), Token);
        Assert.True(backup.Succeeded, backup.Describe());
        return data;
    }

    /// <summary>recovery.signal and restore_command = 'PGWARD ... backup wal-restore %f %p' (run as the server's user;
    /// <see cref="TestPgward.Command"/>).</summary>
    private async Task<PgServer> PrepareRecoveryAsync(string name, string config)
    {
        var server = await PgServer.AdoptAsync(Directory, name, PgServerSettings.Default, Token);
        var pgward = string.Join(' ', TestPgward.Command);
        await File.AppendAllTextAsync(Path.Combine(server.DataDirectory, "postgresql.conf"),
            $"\nrestore_command = '{pgward} -f {config} backup wal-restore %f %p'\n", Token);
        await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "recovery.signal"), "", Token);
        return server;
    }

    private async Task SwitchAsync(string config, ReceiverRun receiver)
    {
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--force", "--archive", "--archive-timeout", "60");
        Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
    }

    [GeneratedRegex(@"START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)")]
    private static partial Regex StartWalFile();
}
