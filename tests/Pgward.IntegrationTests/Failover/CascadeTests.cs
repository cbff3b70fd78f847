using System.Globalization;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>Cascading replication with the agents running (issue 14, defect 25): a standby registered behind another
/// standby stays there until that upstream fails.</summary>
public sealed class CascadeTests : PgIntegrationTest
{
    /// <summary>Long enough to cover many agent ticks (100 ms) and heartbeats (500 ms): before the fix the cascade was
    /// undone at the first heartbeat, within a second, and a failed follow is asked again every 5 s
    /// (<c>FollowRetryInterval</c>): 10 s is 20 heartbeats and two retries.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    protected override TimeSpan Deadline => TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Cascaded_standby_keeps_its_upstream_through_idle_time_and_a_switchover_and_follows_the_primary_when_its_upstream_dies()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 4, witness: false, Token);
        var sandbox = cluster.Sandbox;
        await RecloneBehindAsync(cluster, node: 4, upstream: 2);
        // Registered behind node 2, node 4 no longer uses its slot on node 1: the registration dropped it.
        await ReplicationSlotSets.AssertAsync(sandbox, new()
        {
            [1] = ["pgward_slot_2", "pgward_slot_3"],
            [2] = ["pgward_slot_4"],
            [3] = [],
            [4] = [],
        }, Token);

        await AssertStaysBehindAsync(cluster, node: 4, upstream: 2, IdleWindow);

        // A switchover that moves the cascade's upstream (node2 follows node3) leaves the cascade as it is.
        var switchover = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "standby", "switchover", "--siblings-follow");
        Assert.True(switchover.ExitCode == 0, switchover.ToString());
        await cluster.WaitForStandbyAsync(1, 3, TimeSpan.FromSeconds(60), Token);
        await cluster.WaitForStandbyAsync(2, 3, TimeSpan.FromSeconds(60), Token);
        await AssertStaysBehindAsync(cluster, node: 4, upstream: 2, TimeSpan.FromSeconds(5));
        await ReplicationSlotSets.AssertAsync(sandbox, new()
        {
            [1] = [],
            [2] = ["pgward_slot_4"],
            [3] = ["pgward_slot_1", "pgward_slot_2"],
            [4] = [],
        }, Token);

        // Its upstream fails: the cascaded standby follows the primary, and says why.
        await sandbox.KillPostmasterAsync(2, Token);
        await cluster.WaitAsync(async () => await SenderPortAsync(sandbox, 4) == sandbox.BasePort + 2,
            TimeSpan.FromSeconds(30), "node 4 streaming from node 3", Token);
        // The event is written once the follow has finished, after the server streams.
        var details = "";
        await cluster.WaitAsync(async () => (details = await Sql.ScalarAsync<string>(sandbox.ConnectionString(3),
                "SELECT coalesce(string_agg(details, ' | '), '') FROM pgward.events WHERE node_id = 4 AND event = 'repmgrd_failover_follow' AND successful",
                Token)).Length > 0,
            TimeSpan.FromSeconds(30), "node 4's repmgrd_failover_follow event", Token);
        Assert.Contains("node 4 now following new upstream node 3", details, StringComparison.Ordinal);
        Assert.Contains("upstream node 2", details, StringComparison.Ordinal);
    }

    /// <summary>Re-clones <paramref name="node"/> from <paramref name="upstream"/> and registers it there, as a DBA
    /// builds a cascade by hand, its agent stopped meanwhile and started again afterwards.</summary>
    private async Task RecloneBehindAsync(FailoverCluster cluster, int node, int upstream)
    {
        var sandbox = cluster.Sandbox;
        await cluster.Agents.KillAsync(node);
        await Run("-f", sandbox.Config(node), "node", "service", "--action=stop");
        await Run("-f", sandbox.Config(node), "standby", "clone", "-h", "127.0.0.1", "-p", Port(sandbox, upstream), "-U", "pgward", "-d", "pgward",
            "--upstream-node-id", $"{upstream}", "--force");
        await sandbox.StartServerAsync(node, Token);
        await Run("-f", sandbox.Config(node), "standby", "register", "--upstream-node-id", $"{upstream}", "--force");
        cluster.Agents.Start(node, sandbox.Config(node));
        await cluster.WaitAsync(async () => await cluster.ReportAsync(node, Token) is { FailoverHeardPrimary: true },
            TimeSpan.FromSeconds(30), $"agent {node} hearing the primary", Token);
    }

    private async Task AssertStaysBehindAsync(FailoverCluster cluster, int node, int upstream, TimeSpan window)
    {
        var sandbox = cluster.Sandbox;
        var until = TimeProvider.System.GetUtcNow() + window;
        while (TimeProvider.System.GetUtcNow() < until)
        {
            Assert.True(await SenderPortAsync(sandbox, node) == sandbox.BasePort + upstream - 1,
                $"node {node} no longer streams from node {upstream}\n{cluster.Agents.Logs()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, Token);
        }
        var follows = await Sql.ScalarAsync<long>(sandbox.ConnectionString(node),
            $"SELECT count(*) FROM pgward.events WHERE node_id = {node} AND event = 'repmgrd_failover_follow'", Token);
        Assert.Equal(0L, follows);
    }

    /// <summary>The port the node's WAL receiver streams from; 0 when it does not stream.</summary>
    private async Task<int> SenderPortAsync(Sandbox sandbox, int node) =>
        await Sql.ScalarAsync<int>(sandbox.ConnectionString(node),
            "SELECT coalesce(max(sender_port) FILTER (WHERE status = 'streaming'), 0) FROM pg_stat_wal_receiver", Token);

    private static string Port(Sandbox sandbox, int node) => (sandbox.BasePort + node - 1).ToString(CultureInfo.InvariantCulture);

    private async Task Run(params string[] args)
    {
        var run = await PgwardCli.RunAsync(Token, args);
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
