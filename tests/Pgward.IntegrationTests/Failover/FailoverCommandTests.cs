using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary><c>promote_command</c> and <c>follow_command</c>, which the agent runs instead of its own promotion and
/// follow, as repmgrd does.</summary>
public sealed class FailoverCommandTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Agent_runs_promote_command_and_follow_command_with_the_nodes_config_and_the_won_term_and_pgward_inside_them_acts_on_that_node()
    {
        // The repmgr-style values: pgward's own commands, which find this node's pgward.conf in PGWARD_CONF; the
        // promotion runs as the elected one (PGWARD_ELECTED_TERM), not as a request to the agent that runs it.
        var pgward = Sandbox.Executable(Pgward.Cli.Commands.DaemonCommands.ExecutableVariable);
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token,
            $"promote_command = 'echo \"$PGWARD_ELECTED_TERM\" > \"$PGWARD_CONF.promoted\" && {pgward} standby promote'",
            $"follow_command = 'echo %n > \"$PGWARD_CONF.followed\" && {pgward} standby follow --upstream-node-id=%n'");

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(30), Token);
        var other = primary == 2 ? 3 : 2;
        await cluster.WaitForStandbyAsync(other, primary, TimeSpan.FromSeconds(30), Token);

        var term = long.Parse((await File.ReadAllTextAsync(cluster.Config(primary) + ".promoted", Token)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(term >= 2, $"promote_command saw term {term}");
        Assert.Equal($"{primary}", (await File.ReadAllTextAsync(cluster.Config(other) + ".followed", Token)).Trim());
        Assert.False(File.Exists(cluster.Config(other) + ".promoted"));
        await cluster.WaitAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(primary),
            $"SELECT count(*) FROM pgward.events WHERE event = 'repmgrd_failover_promote' AND successful AND node_id = {primary}", Token) == 1,
            TimeSpan.FromSeconds(10), "event repmgrd_failover_promote", Token);
        Assert.Equal("primary", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(primary),
            $"SELECT type FROM pgward.nodes WHERE node_id = {primary} AND active", Token));
    }
}
