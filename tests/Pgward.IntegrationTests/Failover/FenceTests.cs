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

    private static string DeadManLog(FailoverCluster cluster, int nodeId)
    {
        var path = Path.Combine(Path.GetDirectoryName(cluster.Config(nodeId))!, "pgward-deadman.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
