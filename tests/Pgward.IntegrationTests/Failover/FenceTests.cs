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
        // A primary that no agent guarded before is guarded from the first acknowledgement of a majority: give them time.
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, Token);

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
        await cluster.WaitAsync(async () => (await cluster.ReportAsync(1, Token)) is { Role: "primary", FailoverState: "primary" },
            TimeSpan.FromSeconds(30), "node 1 a writable primary again", Token);
        await cluster.WaitForStandbyAsync(2, 1, TimeSpan.FromSeconds(30), Token);

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

    private static string DeadManLog(FailoverCluster cluster, int nodeId)
    {
        var path = Path.Combine(Path.GetDirectoryName(cluster.Config(nodeId))!, "pgward-deadman.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
