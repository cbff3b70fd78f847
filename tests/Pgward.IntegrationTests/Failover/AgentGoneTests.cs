using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;
using static Pgward.IntegrationTests.Failover.FailoverTests;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// Issue 13: the primary's agent gone while its PostgreSQL runs (killed, frozen, stopped), with a client on the
/// multi-host string and a second client bound to the old primary committing with <c>synchronous_commit = local</c>.
/// In every case no local commit on the old primary is acknowledged once another node answers as a primary, and the
/// multi-host client's writes resume on the new primary.
/// </summary>
public sealed class AgentGoneTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Primary_agent_killed_and_not_restarted_its_switch_stops_the_server_before_a_standby_wins()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        await using var run = await AgentGoneRun.StartAsync(cluster, Token);

        var gone = DirectWriter.Now();
        await cluster.Agents.KillAsync(1);
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);

        await run.AssertSafeAsync(primary, gone, "agent killed", Token);
        Assert.Null(PostmasterPid.RunningPid(cluster.Sandbox.DataDirectory(1)));
    }

    [Fact]
    public async Task Primary_agent_frozen_is_replaced_safely_and_the_old_primary_rejoins_when_it_resumes()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        await using var run = await AgentGoneRun.StartAsync(cluster, Token);

        var gone = DirectWriter.Now();
        AgentProcesses.Signal([cluster.Agents.Pid(1)], "STOP");
        int primary;
        try
        {
            primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
            await Task.Delay(TimeSpan.FromSeconds(10) - (DirectWriter.Now() - gone), TimeProvider.System, Token);
        }
        finally
        {
            AgentProcesses.Signal([cluster.Agents.Pid(1)], "CONT");
        }
        await run.AssertSafeAsync(primary, gone, "agent frozen 10 s", Token);
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
    }

    [Fact]
    public async Task Daemon_stop_on_the_primary_hands_the_role_over_with_nothing_lost_and_the_node_rejoins_when_its_agent_is_back()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        await using var run = await AgentGoneRun.StartAsync(cluster, Token);

        var gone = DirectWriter.Now();
        Assert.True(await cluster.Agents.StopAsync(1, TimeSpan.FromSeconds(90)), "the agent did not end by itself");
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        await run.AssertSafeAsync(primary, gone, "daemon stop", Token);
        var lost = run.Result!.Acknowledged.Except(await RowsAsync(cluster, primary)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost after a handover\n{cluster.Agents.Logs()}");
        Assert.Null(PostmasterPid.RunningPid(cluster.Sandbox.DataDirectory(1)));

        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
    }

    [Fact]
    public async Task Daemon_stop_of_a_standby_agent_leaves_the_primary_writable_and_unfenced()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        var terms = await cluster.TermsAsync(Token);
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.Agents.StopAsync(3, TimeSpan.FromSeconds(90));
        // Longer than a lease, detection and an election.
        await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, Token);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 50, Token);

        var result = await load.StopAsync();
        Assert.All(result.AcknowledgedBy, a => Assert.Equal(cluster.Port(1), a.Port));
        Assert.True(result.LongestGap < TimeSpan.FromSeconds(1), $"longest gap {result.LongestGap}\n{cluster.Agents.Logs()}");
        Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);
        Assert.Equal(terms[0], (await cluster.TermsAsync(Token))[0]);
    }

    [Fact]
    public async Task A_killed_dead_man_switch_is_started_again_and_still_stops_the_server_when_the_agent_then_dies()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        int? first = null;
        await cluster.WaitAsync(() => Task.FromResult((first = cluster.SwitchPid(1)) is not null), TimeSpan.FromSeconds(10),
            "node 1's dead-man switch", Token);
        AgentProcesses.Signal([first!.Value], "KILL");
        int? second = null;
        await cluster.WaitAsync(() => Task.FromResult((second = cluster.SwitchPid(1)) is int pid && pid != first), TimeSpan.FromSeconds(10),
            "a new dead-man switch on node 1", Token);
        Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);

        await using var run = await AgentGoneRun.StartAsync(cluster, Token);
        var gone = DirectWriter.Now();
        await cluster.Agents.KillAsync(1);
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        await run.AssertSafeAsync(primary, gone, "switch killed, then the agent", Token);
    }
}
