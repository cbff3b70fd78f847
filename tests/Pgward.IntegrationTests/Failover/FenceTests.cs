using Pgward.Agent.Fencing;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>Issue 13, point 6: turning automatic failover on for a running cluster, and a fence that is lifted.</summary>
public sealed class FenceTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Agents_turned_on_one_at_a_time_primary_first_never_fence_the_primary_nor_change_its_timeline()
    {
        // 3 s apart: longer than the fence timeout (1.5 s) and the lease (2 s) that would have fenced it before.
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, TimeSpan.FromSeconds(3), Token);

        var report = await cluster.ReportAsync(1, Token);
        Assert.Equal(1, report?.Timeline);
        Assert.Equal("primary", report?.FailoverState);
        var log = await File.ReadAllTextAsync(cluster.Agents.LogFile(1), Token);
        Assert.DoesNotContain("pgward_fence", log, StringComparison.Ordinal);
        Assert.DoesNotContain("fenced:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped the postmaster", DeadManLog(cluster, 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Primary_fenced_while_its_voters_stalled_is_unfenced_on_the_same_timeline_when_nobody_replaced_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        var terms = await cluster.TermsAsync(Token);
        // A primary that no agent guarded before is guarded from the first acknowledgement of a majority.
        await cluster.WaitForGuardAsync(1, Token);

        // Paused, nobody stands for election, but a primary still fences itself without its majority: both voters'
        // agents stall for 3 s, past the fence timeout (1.5 s).
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        AgentProcesses.Signal([cluster.Agents.Pid(2), cluster.Agents.Pid(3)], "STOP");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System, Token);
        }
        finally
        {
            AgentProcesses.Signal([cluster.Agents.Pid(2), cluster.Agents.Pid(3)], "CONT");
        }
        await cluster.WaitAsync(async () => await Sql.IsWritableAsync(cluster.Sandbox.ConnectionString(1), Token)
            && (await cluster.ReportAsync(1, Token)) is { Role: "primary", FailoverState: "primary" },
            TimeSpan.FromSeconds(30), "node 1 a writable primary again", Token);
        await cluster.WaitForStandbyAsync(2, 1, TimeSpan.FromSeconds(30), Token);
        // The writable primary's guard was written after its start: the dead-man switch would not spare it.
        await cluster.WaitForGuardAsync(1, Token);
        Assert.False(StandbyStart.Read(cluster.Sandbox.DataDirectory(1), TimeProvider.System), "a writable primary counted as started read-only");

        Assert.Equal(1, (await cluster.ReportAsync(1, Token))?.Timeline);
        Assert.Equal(terms, await cluster.TermsAsync(Token));
        var log = await File.ReadAllTextAsync(cluster.Agents.LogFile(1), Token);
        Assert.Contains("fenced", log, StringComparison.Ordinal);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "CREATE TABLE after_unfence (id int)", Token);
    }

    [Fact]
    public async Task Every_agent_stopped_while_paused_leaves_the_primary_taking_commits_and_unpause_waits_for_its_agent()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());

        foreach (var id in new[] { 3, 2, 1 })
        {
            await cluster.Agents.StopAsync(id, TimeSpan.FromSeconds(90));
        }
        // No agent left: a default commit waits for no commit lease, and nothing fences the primary.
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1) + ";Command Timeout=5",
            "SET synchronous_commit = on; CREATE TABLE during_maintenance (id int); INSERT INTO during_maintenance VALUES (1)", Token);
        Assert.Equal("", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(1), "SHOW synchronous_standby_names", Token));

        cluster.Agents.Start(2, cluster.Config(2));
        cluster.Agents.Start(3, cluster.Config(3));
        await cluster.WaitAsync(async () => await cluster.ReportAsync(3, Token) is not null, TimeSpan.FromSeconds(30), "agent 3", Token);
        var refused = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "unpause");
        Assert.True(refused.ExitCode == 26, refused.ToString());
        Assert.Contains("runs a writable primary and its agent does not answer", refused.Error, StringComparison.Ordinal);

        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitAsync(async () => (await cluster.ReportAsync(1, Token)) is { FailoverState: "primary" }, TimeSpan.FromSeconds(30),
            "node 1's agent leading", Token);
        var unpause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "unpause");
        Assert.True(unpause.ExitCode == 0, unpause.ToString());
        await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System, Token);
        Assert.Equal(1, (await cluster.ReportAsync(1, Token))?.Timeline);
        Assert.Equal(1, await cluster.PrimaryAsync(Token));
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1) + ";Command Timeout=5", "INSERT INTO during_maintenance VALUES (2)", Token);
    }

    [Fact]
    public async Task Fence_undone_by_hand_as_the_README_says_leaves_a_writable_primary_on_its_own_timeline()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        await cluster.WaitForGuardAsync(1, Token);
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        // Both standbys' agents gone for good: node 1 has no majority and fences itself.
        await cluster.Agents.KillAsync(2);
        await cluster.Agents.KillAsync(3);
        await cluster.WaitAsync(async () => (await cluster.ReportAsync(1, Token)) is { Role: "standby" }, TimeSpan.FromSeconds(30),
            "node 1 fenced, read-only", Token);
        // The fence's restart came clearly after its guard: the dead-man switch can tell, and leaves the server running.
        Assert.True(StandbyStart.Read(cluster.Sandbox.DataDirectory(1), TimeProvider.System), "the fence's read-only restart not told from its guard's write");

        // README, "Undoing a fence by hand".
        Assert.True(await cluster.Agents.StopAsync(1, TimeSpan.FromSeconds(90)), "node 1's agent did not end by itself");
        await Run(cluster, "node", "service", "--action=stop");
        var guard = Path.Combine(cluster.Sandbox.DataDirectory(1), "standby.signal");
        Assert.StartsWith("pgward: primary guard", await File.ReadAllTextAsync(guard, Token), StringComparison.Ordinal);
        File.Delete(guard);
        await Run(cluster, "node", "service", "--action=start");
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "ALTER SYSTEM RESET synchronous_standby_names", Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "SELECT pg_reload_conf()", Token);

        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1) + ";Command Timeout=5", "CREATE TABLE by_hand (id int); INSERT INTO by_hand VALUES (1)", Token);
        Assert.Equal(1, await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(1),
            "SELECT timeline_id FROM pg_control_checkpoint()", Token));
    }

    [Fact]
    public async Task Agent_whose_record_names_an_old_port_corrects_it_and_the_others_reach_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        Assert.True(await cluster.Agents.StopAsync(2, TimeSpan.FromSeconds(90)));
        var config = await File.ReadAllTextAsync(cluster.Config(2), Token);
        var port = FreePort.Next();
        await File.WriteAllTextAsync(cluster.Config(2),
            System.Text.RegularExpressions.Regex.Replace(config, @"(?m)^agent_port\s*=.*$", $"agent_port = {port}"), Token);
        cluster.Agents.Start(2, cluster.Config(2));

        var status = await PgwardCli.RunAsync(Token, "-f", cluster.Config(3), "daemon", "status");
        await cluster.WaitAsync(async () => (status = await PgwardCli.RunAsync(Token, "-f", cluster.Config(3), "daemon", "status")).Out
            .Contains($":{port}", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "node 2's new address in the records", Token);
        Assert.Contains("record corrected", await File.ReadAllTextAsync(cluster.Agents.LogFile(2), Token), StringComparison.Ordinal);
        // Node 1 hears from node 2 again: with node 3's agent stopped, node 1 keeps its majority only through node 2.
        await cluster.WaitAsync(async () => await File.ReadAllTextAsync(cluster.Agents.LogFile(1), Token) is var log
            && log.Contains("agent of node 2 is now at", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "node 1 repointed at node 2", Token);
        await cluster.Agents.KillAsync(3);
        await Task.Delay(TimeSpan.FromSeconds(4), TimeProvider.System, Token);
        Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1) + ";Command Timeout=5", "CREATE TABLE reached (id int)", Token);
    }

    private async Task Run(FailoverCluster cluster, params string[] args)
    {
        var run = await PgwardCli.RunAsync(Token, ["-f", cluster.Config(1), .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static string DeadManLog(FailoverCluster cluster, int nodeId)
    {
        var path = Path.Combine(Path.GetDirectoryName(cluster.Config(nodeId))!, "pgward-deadman.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
