using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

/// <summary>
/// The fault suite's failover-during-backup (mode sync, seed 1): a node re-cloned after a promotion holds only the
/// history files of its own timeline and later ones (pg_basebackup fetches just the current one), and when it was
/// promoted in turn the receiver stopped for good, asking it for 00000002.history. The older history files are in
/// the archive already, and the primary's own lists every switch point.
/// </summary>
public sealed class WalStreamingHistoryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Receiver_streams_from_a_primary_that_lacks_the_history_files_of_older_timelines()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var config = ReceiverRun.WriteConfig(Directory.Path, sandbox.Conninfo(1));
        await using (var receiver = ReceiverRun.Start(config, Token))
        {
            // Streaming once first: the receiver learns every node from the metadata, and finds node 2 when node 1 dies.
            Assert.StartsWith("00000001", await SwitchAsync(config, receiver), StringComparison.Ordinal);
            await sandbox.KillPostmasterAsync(1, Token);
            var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
            Assert.True(promote.ExitCode == 0, promote.ToString());
            Assert.StartsWith("00000002", await SwitchAsync(config, receiver), StringComparison.Ordinal);
        }

        // Node 2 takes timeline 3 by a promotion of its own: stopped, started as a standby of nobody, promoted.
        var env = PgTestEnvironment.Require();
        await RunAsync(env, ["-D", sandbox.DataDirectory(2), "-m", "fast", "-w", "stop"]);
        await File.WriteAllTextAsync(Path.Combine(sandbox.DataDirectory(2), "standby.signal"), "", Token);
        await sandbox.StartServerAsync(2, Token);
        await RunAsync(env, ["-D", sandbox.DataDirectory(2), "-w", "promote"]);
        // What a clone taken after that promotion would hold.
        File.Delete(Path.Combine(sandbox.DataDirectory(2), "pg_wal", "00000002.history"));

        await using var resumed = ReceiverRun.Start(config, Token);
        Assert.StartsWith("00000003", await SwitchAsync(config, resumed), StringComparison.Ordinal);
        Assert.True(resumed.Archive.Contains("00000003.history"), resumed.Log);
        Assert.True(resumed.Archive.Contains("00000002.history"), resumed.Log);
        Assert.False(resumed.Running.IsCompleted, resumed.Log);
    }

    private async Task RunAsync(PgTestEnvironment env, string[] args)
    {
        var run = await env.Runner.RunAsync(env.ToolRequest("pg_ctl", args, TimeSpan.FromSeconds(60)), Token);
        Assert.True(run.Succeeded, run.Describe());
    }

    private async Task<string> SwitchAsync(string config, ReceiverRun receiver)
    {
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
        return run.Error.Split("WAL file ")[1][..24];
    }
}
