using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>A standby with <c>recovery_min_apply_delay</c> never stands for automatic election (docs/failover.md,
/// "Delayed standbys"), and an operator who promotes it is told what the promotion replays first.</summary>
public sealed class DelayedStandbyTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_delayed_standby_is_not_elected_though_it_wins_a_tie_and_an_operator_is_warned_before_promoting_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        // Node 2 would win the tie on its node ID: as much WAL received as node 3, the same priority.
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "ALTER SYSTEM SET recovery_min_apply_delay = '1h'", Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "SELECT pg_reload_conf()", Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        var written = await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
        foreach (var node in new[] { 2, 3 })
        {
            await cluster.WaitAsync(async () => await Sql.ScalarAsync<bool>(cluster.Sandbox.ConnectionString(node),
                $"SELECT pg_last_wal_receive_lsn() >= '{written}'", Token), TimeSpan.FromSeconds(10), $"node {node} receiving {written}", Token);
        }
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2), "SELECT count(*) FROM pg_class WHERE relname = 't'", Token));

        // No read replica: a read pool behind /replica would serve hour-old data.
        using var client = cluster.Sandbox.Client(SandboxAgents.Token);
        await cluster.WaitAsync(async () => (await client.GetHealthAsync(cluster.AgentUrl(2), "replica", Token)).StatusCode == 503,
            TimeSpan.FromSeconds(10), "node 2's /replica answering 503", Token);
        Assert.Equal(200, (await client.GetHealthAsync(cluster.AgentUrl(3), "replica", Token)).StatusCode);
        Assert.Equal(200, (await client.GetHealthAsync(cluster.AgentUrl(2), "read-only", Token)).StatusCode);

        var dryRun = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "standby", "promote", "--dry-run");
        Assert.Contains("node \"node2\" (ID: 2) applies WAL late on purpose (recovery_min_apply_delay = 1h): promoted, it first replays the ",
            dryRun.Error, StringComparison.Ordinal);

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        Assert.True(primary == 3, $"node {primary} was elected\n{cluster.Agents.Logs()}");
        // It follows the new primary as it is: re-pointed, still an hour behind, not rewound or re-cloned (a delayed
        // standby streams again only once it has replayed what it holds, and the agent took that for a fork).
        await cluster.WaitAsync(async () => await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(3),
            "SELECT coalesce(upstream_node_id, 0) FROM pgward.nodes WHERE node_id = 2", Token) == 3,
            TimeSpan.FromSeconds(30), "node 2 recorded as following node 3", Token);
        Assert.Contains($"port={cluster.Port(3)}", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(2), "SHOW primary_conninfo", Token),
            StringComparison.Ordinal);
        Assert.Equal("1h", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(2), "SHOW recovery_min_apply_delay", Token));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2), "SELECT count(*) FROM pg_class WHERE relname = 't'", Token));
        // Its own metadata is an hour old: node check reads the primary's, which says node 3 is its upstream.
        var check = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "node", "check", "--upstream");
        Assert.Contains("is not streaming from its upstream node \"node3\" (ID: 3) (a delayed standby, recovery_min_apply_delay = 1h", check.Out,
            StringComparison.Ordinal);
        // Registered again, it does not wait for its own record to replicate, which takes the delay.
        var register = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "standby", "register", "-F", "--upstream-node-id", "3");
        Assert.True(register.ExitCode == 0, register.ToString());
        Assert.Contains("applies WAL late on purpose (recovery_min_apply_delay = 1h): the record reaches it that much later", register.Error,
            StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(cluster.Agents.LogFile(2), Token);
        Assert.True(!log.Contains("rejoin", StringComparison.Ordinal) && !log.Contains("cloning", StringComparison.Ordinal), log);

        // Without the delay it replays what it held, crosses onto timeline 2 and streams from node 3.
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "ALTER SYSTEM RESET recovery_min_apply_delay", Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "SELECT pg_reload_conf()", Token);
        await cluster.WaitForStandbyAsync(2, 3, TimeSpan.FromSeconds(30), Token);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2), "SELECT count(*) FROM t", Token));
    }
}
