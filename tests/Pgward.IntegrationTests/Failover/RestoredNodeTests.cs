using Pgward.IntegrationTests.Backup;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>A standby restored through its agent (<c>backup recover --node</c>) in a cluster with automatic failover:
/// the agents leave the recovering server alone until the operator rejoins it (<c>LocalStatus.Restoring</c>).</summary>
public sealed class RestoredNodeTests : PgIntegrationTest
{
    [Fact]
    public async Task Agent_leaves_a_node_recovering_a_backup_paused_at_its_target_until_the_operator_rejoins_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: true, primaryFirst: null, backup: true,
            new Dictionary<int, string[]>(), Token);
        var sandbox = cluster.Sandbox;
        var create = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--wait");
        Assert.True(create.ExitCode == 0, create.ToString());
        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node2",
            "--target-immediate", "--target-action", "pause");
        Assert.True(recover.ExitCode == 0, recover.ToString());

        await sandbox.StartServerAsync(2, Token);
        var node2 = sandbox.ConnectionString(2);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token), Token);
        // Heartbeats come every 500 ms and a follow would be asked for on the first: before, node 2's agent pointed the
        // restored server at node 1 within a second, and it replayed past its target.
        await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System, Token);
        Assert.True(await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token));
        Assert.Equal("", await Sql.ScalarAsync<string>(node2, "SHOW primary_conninfo", Token));
        Assert.True(File.Exists(Path.Combine(sandbox.DataDirectory(2), "recovery.signal")));
        Assert.False(File.Exists(Path.Combine(sandbox.DataDirectory(2), "standby.signal")));

        // The operator's rejoin makes it a standby again, streaming from node 1.
        stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var rejoin = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "rejoin", "-d", sandbox.Conninfo(1));
        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
            "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", Token) == 1, Token);
    }
}
