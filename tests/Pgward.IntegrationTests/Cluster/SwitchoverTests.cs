using System.Globalization;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class SwitchoverTests(ITestOutputHelper output) : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Switchover_under_load_keeps_every_acknowledged_row_and_all_nodes_follow_the_new_primary()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2, 3], Token);
        await using var load = await WriteLoad.StartAsync(sandbox.MultiHostConnectionString, TimeSpan.FromMilliseconds(5), Token);
        await load.WaitForAcknowledgedAsync(100, Token);

        var switchover = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "switchover", "--siblings-follow");
        Assert.True(switchover.ExitCode == 0, switchover.ToString());
        var before = load.Acknowledged;
        await load.WaitForAcknowledgedAsync(before + 100, Token);
        var result = await load.StopAsync();
        output.WriteLine($"acknowledged {result.Acknowledged.Count}, unknown {result.Unknown.Count}, failed attempts {result.Failed}, longest write gap {result.LongestGap.TotalMilliseconds:0} ms");

        var newPrimary = sandbox.ConnectionString(2);
        Assert.False(await Sql.ScalarAsync<bool>(newPrimary, "select pg_is_in_recovery()", Token));
        var stored = await Sql.ScalarAsync<long>(newPrimary,
            $"select count(*) from load_rows where id = any(array[{string.Join(',', result.Acknowledged)}]::bigint[])", Token);
        Assert.Equal(result.Acknowledged.Count, stored);

        var newPort = (sandbox.BasePort + 1).ToString(CultureInfo.InvariantCulture);
        foreach (var follower in new[] { 1, 3 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(follower),
                $"select coalesce(bool_or(status = 'streaming' and received_tli = 2 and sender_port = {newPort}), false) from pg_stat_wal_receiver", Token), Token);
        }
        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("| node2 | primary | * running |", show.Out, StringComparison.Ordinal);
        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "event", "--csv");
        Assert.Contains("2,node2,standby_switchover,t,", events.Out, StringComparison.Ordinal);
        Assert.Contains("1,node1,node_rejoin,t,", events.Out, StringComparison.Ordinal);
        // The switchover rejoined the old primary; its agent, which knew its server stopped before it released the lease,
        // did not try a rejoin of its own beside it (one did, on a look taken before the stop, and its retry held the
        // agent's actions for 5 s).
        Assert.DoesNotContain("1,node1,pgward_auto_rejoin", events.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switchover_dry_run_names_a_stopped_sibling_and_the_real_run_refuses_it_the_same_way()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2, 3], Token);
        Assert.Null(await ServerRegistry.StopAsync(sandbox.DataDirectory(3), Core.Postgres.ShutdownMode.Fast, Token));

        var dryRun = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "switchover", "--siblings-follow", "--dry-run");
        Assert.True(dryRun.ExitCode == 18, dryRun.ToString());
        Assert.Contains("sibling node \"node3\" (ID: 3) is not running", dryRun.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("prerequisites for executing STANDBY SWITCHOVER are met", dryRun.Error, StringComparison.Ordinal);

        var run = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "switchover", "--siblings-follow");
        Assert.True(run.ExitCode == 18, run.ToString());
        Assert.Contains("sibling node \"node3\" (ID: 3) is not running", run.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", run.Error, StringComparison.Ordinal);
        Assert.False(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1), "select pg_is_in_recovery()", Token));
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2), "select pg_is_in_recovery()", Token));

        await sandbox.StartServerAsync(3, Token);
        var ready = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "switchover", "--siblings-follow", "--dry-run");
        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.Contains("would stop node \"node1\" (ID: 1), promote node \"node2\" (ID: 2)", ready.Error, StringComparison.Ordinal);
        Assert.Contains("re-point node \"node3\" (ID: 3)", ready.Error, StringComparison.Ordinal);
        Assert.Contains("prerequisites for executing STANDBY SWITCHOVER are met", ready.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switchover_is_refused_and_nothing_changes_when_the_candidate_is_stopped_or_an_agent_is_missing()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token);

        var noAgent = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "standby", "switchover");
        Assert.Equal(18, noAgent.ExitCode);
        Assert.Contains("the agent of node \"node3\" (ID: 3) does not answer", noAgent.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", noAgent.Error, StringComparison.Ordinal);

        Assert.Null(await ServerRegistry.StopAsync(sandbox.DataDirectory(2), Core.Postgres.ShutdownMode.Fast, Token));
        var stopped = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "standby", "switchover", "--candidate", "node2");
        Assert.Equal(18, stopped.ExitCode);
        Assert.Contains("node \"node2\" (ID: 2) cannot be reached", stopped.Error, StringComparison.Ordinal);

        Assert.False(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1), "select pg_is_in_recovery()", Token));
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(3), "select pg_is_in_recovery()", Token));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1),
            "select count(*) from pgward.events where event = 'standby_switchover'", Token));
    }
}
