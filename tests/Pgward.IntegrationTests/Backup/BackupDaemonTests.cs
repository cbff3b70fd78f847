using Pgward.IntegrationTests.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupDaemonTests : PgIntegrationTest
{
    [Fact]
    public async Task Daemon_run_on_a_backup_server_streams_wal_until_stopped()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");

        await server.ExecuteAsync("CREATE TABLE t AS SELECT g FROM generate_series(1, 10000) g", Token);
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.False(daemon.IsCompleted, daemon.IsCompleted ? (await daemon).ToString() : null);
        Assert.True(run.ExitCode == 0, run.ToString());

        await stop.CancelAsync();
        var ended = await daemon;
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Contains("streaming WAL into", ended.Error, StringComparison.Ordinal);
    }
}
