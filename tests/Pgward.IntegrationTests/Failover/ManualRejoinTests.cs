using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary><c>node rejoin</c> by hand in a cluster whose agents guard the primary (auto_rejoin off, repmgr's default).</summary>
public sealed class ManualRejoinTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    /// <summary>
    /// The primary's host dies with writes the others never received; the DBA rejoins it by hand without starting it
    /// (README, "By hand"). Its data directory holds the agent's guard, <c>standby.signal</c>, and pg_rewind's own crash
    /// recovery, in single-user mode, refuses standby mode: the rejoin failed with "standby mode is not supported by
    /// single-user servers". The server now finishes its crash recovery read-only first.
    /// </summary>
    [Fact]
    public async Task Killed_primary_that_its_agent_guarded_is_rewound_by_node_rejoin_without_being_started_first()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token, "auto_rejoin = off");
        await cluster.WaitForGuardAsync(1, Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "CREATE TABLE shared (id int); INSERT INTO shared VALUES (1)", Token);
        foreach (var id in new[] { 2, 3 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(id),
                "SELECT count(*) FROM pg_class WHERE relname = 'shared'", Token) == 1, Token);
        }
        var primary = await KillWithWritesNobodyReceivedAsync(cluster, 1);
        Assert.StartsWith("pgward: primary guard", await File.ReadAllTextAsync(Path.Combine(cluster.Sandbox.DataDirectory(1), "standby.signal"), Token),
            StringComparison.Ordinal);

        var rejoin = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(primary), "--force-rewind");

        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        Assert.Contains("starting it read-only to finish its crash recovery", rejoin.Error, StringComparison.Ordinal);
        Assert.Contains("pg_rewind copied the changed blocks", rejoin.Error, StringComparison.Ordinal);
        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        Assert.Equal(0, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1), "SELECT count(*) FROM pg_class WHERE relname = 'forked'", Token));
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(primary), "INSERT INTO shared VALUES (2)", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1), "SELECT count(*) FROM shared", Token) == 2, Token);
    }

    /// <summary>
    /// A primary killed before the first checkpoint after its promotion, with writes the others never received: its
    /// pg_control names its last checkpoint's timeline, 1, and its WAL ends on timeline 2, where PostgreSQL 15's
    /// pg_rewind cannot follow it (it failed with "could not find previous WAL record", CI at 69d0907). The rejoin says
    /// so and names the way out, which works.
    /// </summary>
    [Fact]
    public async Task Primary_killed_before_its_first_checkpoint_with_writes_nobody_received_is_refused_and_recloned()
    {
        await using var cluster = await PromotedWithoutCheckpointAsync();
        var primary = await KillWithWritesNobodyReceivedAsync(cluster, 2);

        var refused = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(primary), "--force-rewind");

        Assert.True(refused.ExitCode == 24, refused.ToString());
        Assert.Contains("starting it read-only to finish its crash recovery", refused.Error, StringComparison.Ordinal);
        Assert.Contains("pg_rewind cannot rewind this node: it crashed before its first checkpoint on the timeline its WAL ends on", refused.Error,
            StringComparison.Ordinal);
        Assert.Contains("HINT: use --reclone", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("executing pg_rewind", refused.Error, StringComparison.Ordinal);
        Assert.StartsWith("pgward: primary guard", await File.ReadAllTextAsync(Path.Combine(cluster.Sandbox.DataDirectory(2), "standby.signal"), Token),
            StringComparison.Ordinal);

        var recloned = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(primary), "--reclone");
        Assert.True(recloned.ExitCode == 0, recloned.ToString());
        cluster.Agents.Start(2, cluster.Config(2));
        await cluster.WaitForStandbyAsync(2, primary, TimeSpan.FromSeconds(60), Token);
        Assert.Equal(0, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2), "SELECT count(*) FROM pg_class WHERE relname = 'forked'", Token));
    }

    /// <summary>
    /// The same primary, killed once its standbys had all of its WAL: started read-only, it replays the 25 MB it wrote
    /// as the primary (opened for connections at its promotion's record, before the end: the rejoin waits for the end),
    /// and its WAL ends where the new primary's timeline branches off. It attaches as it is, without pg_rewind.
    /// </summary>
    [Fact]
    public async Task Primary_killed_before_its_first_checkpoint_whose_WAL_the_new_primary_has_attaches_without_pg_rewind()
    {
        await using var cluster = await PromotedWithoutCheckpointAsync();
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2),
            "CREATE TABLE after_promotion AS SELECT g AS id, repeat('y', 200) AS filler FROM generate_series(1, 100000) g", Token);
        // Nobody elects or fences from here on: node 1 is promoted by hand. No autovacuum on node 2, whose WAL must end
        // where node 1's replay does.
        foreach (var id in new[] { 1, 2, 3 })
        {
            await cluster.Agents.KillAsync(id);
        }
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "ALTER SYSTEM SET autovacuum = off; SELECT pg_reload_conf()", Token);
        var node1 = cluster.Sandbox.ConnectionString(1);
        var node2 = cluster.Sandbox.ConnectionString(2);
        string end;
        do
        {
            end = await Sql.ScalarAsync<string>(node2, "SELECT pg_current_wal_lsn()::text", Token);
            var target = end;
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node1, $"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", Token), Token);
        }
        while (await Sql.ScalarAsync<string>(node2, "SELECT pg_current_wal_lsn()::text", Token) != end);
        await cluster.Sandbox.KillPostmasterAsync(2, Token);
        var promote = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());

        var rejoin = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(1), "--force-rewind");

        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        Assert.Contains("starting it read-only to finish its crash recovery", rejoin.Error, StringComparison.Ordinal);
        Assert.Contains("no pg_rewind after all: this node's WAL ends at", rejoin.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("executing pg_rewind", rejoin.Error, StringComparison.Ordinal);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node1,
            "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node2' AND state = 'streaming'", Token) == 1, Token);
        await Sql.ExecuteAsync(node1, "INSERT INTO after_promotion VALUES (0, 'z')", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM after_promotion", Token) == 100001, Token);
    }

    /// <summary>The host of primary <paramref name="nodeId"/> dies (its agent and its server, kill -9) just after writes
    /// its standbys never receive (table <c>forked</c>): their WAL receivers are frozen until it is gone. Returns the
    /// node the others elect.</summary>
    private async Task<int> KillWithWritesNobodyReceivedAsync(FailoverCluster cluster, int nodeId)
    {
        var receivers = new List<int>();
        foreach (var id in new[] { 1, 2, 3 }.Where(id => id != nodeId))
        {
            receivers.Add(await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(id), "SELECT pid FROM pg_stat_wal_receiver", Token));
        }
        AgentProcesses.Signal(receivers, "STOP");
        try
        {
            await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(nodeId) + ";Command Timeout=5",
                "SET synchronous_commit = local; CREATE TABLE forked AS SELECT g AS id FROM generate_series(1, 10000) g", Token);
            await cluster.Agents.KillAsync(nodeId);
            await cluster.Sandbox.KillPostmasterAsync(nodeId, Token);
        }
        finally
        {
            AgentProcesses.Signal(receivers, "CONT");
        }
        return await cluster.WaitForPrimaryAsync(except: nodeId, TimeSpan.FromSeconds(30), Token);
    }

    /// <summary>
    /// Node 2 made the primary by a switchover while 25 MB of node 1's writes were still dirty in its buffers: the
    /// checkpoint its promotion asks for is spread over minutes, so that node 2 has no checkpoint on timeline 2 for the
    /// length of a test (asserted, so that the test cannot pass without the case it is about).
    /// </summary>
    private async Task<FailoverCluster> PromotedWithoutCheckpointAsync()
    {
        var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token, "auto_rejoin = off");
        try
        {
            await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1),
                "CREATE TABLE ballast AS SELECT g AS id, repeat('x', 200) AS filler FROM generate_series(1, 100000) g", Token);
            var switchover = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "standby", "switchover", "--siblings-follow");
            Assert.True(switchover.ExitCode == 0, switchover.ToString());
            await cluster.WaitForStandbyAsync(1, 2, TimeSpan.FromSeconds(30), Token);
            await cluster.WaitForStandbyAsync(3, 2, TimeSpan.FromSeconds(30), Token);
            Assert.Equal(1, await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(2), "SELECT timeline_id FROM pg_control_checkpoint()", Token));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
