using System.Text.Json;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;
using static Pgward.IntegrationTests.Failover.FailoverTests;

namespace Pgward.IntegrationTests.Failover;

/// <summary>Issue 4's freeze, stall, pause and witness scenarios.</summary>
public sealed class FailoverFaultTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Primary_frozen_longer_than_detection_is_replaced_then_fenced_and_rejoined_and_no_acknowledged_write_is_lost_in_sync_mode()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token, "replication_mode = sync");
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.FreezeAsync(1, Token);
        var frozenAt = Now();
        int primary;
        try
        {
            primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
            await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        }
        finally
        {
            cluster.Thaw(1);
        }
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);

        var result = await load.StopAsync();
        Assert.Empty(result.InterleavedPrimaries());
        var lost = result.Acknowledged.Except(await RowsAsync(cluster, primary)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost: {string.Join(",", lost.Take(20))}\n{cluster.Agents.Logs()}");
        var resumed = result.AcknowledgedBy.First(a => a.Port != cluster.Port(1) && a.At > frozenAt).At - frozenAt;
        TestContext.Current.TestOutputHelper?.WriteLine($"writes resumed {resumed.TotalSeconds:0.00} s after the freeze; longest gap {result.LongestGap.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task A_one_second_stall_of_the_primary_causes_no_failover()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        var terms = await cluster.TermsAsync(Token);
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.FreezeAsync(1, Token);
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, Token);
        cluster.Thaw(1);
        // Longer than detection and a promotion would take.
        await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, Token);

        Assert.Equal(terms, await cluster.TermsAsync(Token));
        Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);
        var before = load.Acknowledged;
        await load.WaitForAcknowledgedAsync(before + 20, Token);
        var result = await load.StopAsync();
        Assert.All(result.AcknowledgedBy, a => Assert.Equal(cluster.Port(1), a.Port));
        Assert.Equal(terms, await cluster.TermsAsync(Token));
    }

    [Fact]
    public async Task Paused_cluster_promotes_nobody_when_the_primary_dies_says_why_and_an_operator_promotion_still_goes_through_the_election()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        await Task.Delay(TimeSpan.FromSeconds(6), TimeProvider.System, Token);
        foreach (var id in new[] { 2, 3 })
        {
            Assert.Equal("standby", (await cluster.ReportAsync(id, Token))?.Role);
        }
        var status = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "status", "--json");
        using (var rows = JsonDocument.Parse(status.Out))
        {
            var node2 = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("node_id").GetInt32() == 2);
            Assert.True(node2.GetProperty("paused").GetBoolean(), status.ToString());
            Assert.Contains("paused", node2.GetProperty("failover_note").GetString(), StringComparison.Ordinal);
        }

        // The operator promotes node 3 by hand: through its agent, which wins an election even while paused.
        var promote = await PgwardCli.RunAsync(Token, "-f", cluster.Config(3), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote + "\n" + cluster.Agents.Logs());
        Assert.Contains("asking the local agent", promote.Error, StringComparison.Ordinal);
        Assert.Equal(3, await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token));

        // Unpaused, node 2 follows the new primary by itself.
        var unpause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "unpause");
        Assert.Equal(26, unpause.ExitCode); // node 1's agent is gone
        await cluster.WaitForStandbyAsync(2, 3, TimeSpan.FromSeconds(30), Token);
    }

    [Fact]
    public async Task Voter_whose_server_is_down_refuses_a_candidate_behind_the_WAL_on_its_disk()
    {
        // mixed:sync seed 514: an old primary whose fence restart took 3 s voted, as a node without data, for a
        // standby that lacked 100 commits it had acknowledged. Here: node 3 receives nothing (its WAL receiver is
        // frozen) while node 1 writes and node 2 receives; then node 1's host dies and node 2's server crashes, its agent
        // still running. Node 3 needs node 2's vote, and node 2 must judge it by what it last held.
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        var receiver = await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(3), "SELECT pid FROM pg_stat_wal_receiver", Token);
        AgentProcesses.Signal([receiver], "STOP");
        try
        {
            await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "CREATE TABLE ahead (id int); INSERT INTO ahead SELECT generate_series(1, 1000)", Token);
            var written = await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(cluster.Sandbox.ConnectionString(2),
                $"SELECT pg_last_wal_receive_lsn() >= '{written}'::pg_lsn", Token), Token);
            // Node 2's agent sees its server at that position before it goes down.
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, Token);

            await cluster.Agents.KillAsync(1);
            await cluster.Sandbox.KillPostmasterAsync(1, Token);
            await cluster.Sandbox.KillPostmasterAsync(2, Token);
            // Detection (2 s) and several election rounds.
            await Task.Delay(TimeSpan.FromSeconds(8), TimeProvider.System, Token);
            Assert.Null(await cluster.PrimaryAsync(Token, except: 1));
            Assert.Contains("behind node 2", (await cluster.ReportAsync(3, Token))?.FailoverNote, StringComparison.Ordinal);

            // Node 2's server back (and node 3's receiver, which must stop before node 3 votes; node 1 is gone): the most
            // advanced node takes over, and nothing it held is lost.
            AgentProcesses.Signal([receiver], "CONT");
            await cluster.Sandbox.StartServerAsync(2, Token);
            Assert.Equal(2, await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(30), Token));
            Assert.Equal(1000L, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2), "SELECT count(*) FROM ahead", Token));
        }
        finally
        {
            AgentProcesses.Signal([receiver], "CONT");
        }
    }

    [Fact]
    public async Task Two_data_nodes_and_a_witness_fail_over_when_the_primary_dies()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: true, Token);
        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        Assert.Equal(2, await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token));
    }

    [Fact]
    public async Task Witness_beside_three_data_nodes_does_not_vote_and_losing_it_with_a_standby_leaves_the_primary_writable()
    {
        // Issue 13, point 5: with the witness as a fourth voter (majority 3), losing it and a standby fenced a primary
        // that still saw the other standby. Now the three data nodes vote (majority 2).
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        var status = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "daemon", "status", "--json");
        using (var rows = JsonDocument.Parse(status.Out))
        {
            var witness = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("node_id").GetInt32() == 4);
            Assert.True(witness.GetProperty("failover").GetString() == "off", status.ToString());
            Assert.Equal("this witness does not vote: 3 data nodes already make an odd number of voters", witness.GetProperty("failover_note").GetString());
        }
        var terms = await cluster.TermsAsync(Token);
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.Agents.KillAsync(4);
        await cluster.Agents.KillAsync(3);
        await cluster.Sandbox.KillPostmasterAsync(3, Token);
        // Longer than the fence timeout, detection and a promotion would take.
        await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, Token);

        Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        var result = await load.StopAsync();
        Assert.All(result.AcknowledgedBy, a => Assert.Equal(cluster.Port(1), a.Port));
        Assert.Equal(terms[..2], (await cluster.TermsAsync(Token))[..2]);
    }

    [Fact]
    public async Task Leader_whose_promotion_never_reached_the_node_records_writes_it_when_its_agent_starts_again()
    {
        // repeated-failovers:sync seed 124: the new primary's host died between pg_promote() and the write of the node
        // records; it came back writable, and no other node found a primary to rejoin. A 5 s fence timeout (detection
        // at 5 s, which it must not exceed) gives the agent, restarted as a JIT-compiled test process on a loaded machine,
        // time to take over its dead-man switch before the lease it left ends and the switch stops the server.
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: true, Token,
            "fence_timeout = 5", "reconnect_attempts = 5");
        // Connected before the kill: the update must land before the dead-man switch stops the agentless primary at the
        // lease's end (about 1.5 s), and a scram and TLS handshake on a loaded machine can take much of that.
        await using var connection = new Npgsql.NpgsqlConnection(cluster.Sandbox.ConnectionString(1));
        await connection.OpenAsync(Token);
        await cluster.Agents.KillAsync(1);
        // synchronous_commit = local: without its agent the primary's commits wait for the commit lease.
        await using (var update = new Npgsql.NpgsqlCommand(
            "SET synchronous_commit = local; UPDATE pgward.nodes SET type = 'standby', upstream_node_id = 2 WHERE node_id = 1; UPDATE pgward.nodes SET type = 'primary', upstream_node_id = NULL WHERE node_id = 2", connection))
        {
            await update.ExecuteNonQueryAsync(Token);
        }

        cluster.Agents.Start(1, cluster.Config(1));

        await cluster.WaitAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1),
            "SELECT count(*) FROM pgward.nodes WHERE (node_id = 1 AND type = 'primary' AND active AND upstream_node_id IS NULL) OR (node_id = 2 AND NOT active)", Token) == 2,
            TimeSpan.FromSeconds(20), "node 1 recorded as the primary again", Token);
        await cluster.WaitAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1),
            "SELECT count(*) FROM pgward.events WHERE event = 'pgward_primary_recorded' AND successful", Token) == 1,
            TimeSpan.FromSeconds(10), "event pgward_primary_recorded", Token);
        Assert.True(File.Exists(Path.Combine(cluster.Sandbox.DataDirectory(1), "standby.signal")), "the leader's guard is in place");
    }

    [Fact]
    public async Task Elected_standby_still_recorded_as_an_inactive_primary_is_promoted()
    {
        // kill-primary:async seed 201: an old primary rejoined, the record's update to "standby" was cut short by the
        // next failure, and when it won the next election its promotion refused: "not registered as a standby".
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: true, Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "UPDATE pgward.nodes SET type = 'primary', active = false WHERE node_id = 2", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(2),
            "SELECT type FROM pgward.nodes WHERE node_id = 2", Token) == "primary", Token);

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);

        Assert.Equal(2, await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token));
        // The agent reports the primary as soon as the server is writable; the record follows within the promotion.
        await cluster.WaitAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(2),
            "SELECT count(*) FROM pgward.nodes WHERE node_id = 2 AND type = 'primary' AND active", Token) == 1,
            TimeSpan.FromSeconds(10), "node 2 recorded as the active primary", Token);
    }
}
