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

    [Fact]
    public async Task Primary_whose_dead_man_switch_cannot_start_holds_commits_hands_over_and_leads_or_stands_again_once_one_runs()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token);
        int? first = null;
        await cluster.WaitAsync(() => Task.FromResult((first = cluster.SwitchPid(1)) is not null), TimeSpan.FromSeconds(10),
            "node 1's dead-man switch", Token);
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        // A switch that cannot start: its log's path is a directory (as a log the agent's user may not write would be).
        var switchLog = Path.Combine(Path.GetDirectoryName(cluster.Config(1))!, "pgward-deadman.log");
        File.Delete(switchLog);
        System.IO.Directory.CreateDirectory(switchLog);
        AgentProcesses.Signal([first!.Value], "KILL");

        // The commit lease closes with the switch gone (node 1 reports itself fenced): a commit on node 1 that waits
        // for it is not acknowledged.
        await cluster.WaitAsync(async () => (await cluster.ReportAsync(1, Token))?.Fenced == true, TimeSpan.FromSeconds(5),
            "node 1's commit lease closing without a dead-man switch", Token);
        var held = CommitDirectlyAsync(cluster.Sandbox.ConnectionString(1));
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, Token);
        Assert.False(held.IsCompletedSuccessfully, "a commit was acknowledged while node 1 had no dead-man switch");

        // Past the switch's start grace (10 s) node 1 steps aside: fenced, and a standby is elected at once.
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(30), Token);
        var outcome = await held.ContinueWith(t => t.Status, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.NotEqual(TaskStatus.RanToCompletion, outcome);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 50, Token);
        var result = await load.StopAsync();
        var lost = result.Acknowledged.Except(await RowsAsync(cluster, primary)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost\n{cluster.Agents.Logs()}");
        var log = await File.ReadAllTextAsync(cluster.Agents.LogFile(1), Token);
        Assert.Contains("no dead-man switch has run for", log, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "dead-man switch could not be started"));

        // The switch can start again: node 1, superseded, rejoins the new primary with a switch of its own.
        System.IO.Directory.Delete(switchLog);
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        await cluster.WaitAsync(async () => cluster.SwitchPid(1) is not null
                && (await File.ReadAllTextAsync(cluster.Agents.LogFile(1), Token)).Contains("runs again", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "a dead-man switch on node 1 again, and its agent saying so", Token);
    }

    private static async Task CommitDirectlyAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SET synchronous_commit = on; CREATE TABLE IF NOT EXISTS switch_held (x int); INSERT INTO switch_held VALUES (1)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
