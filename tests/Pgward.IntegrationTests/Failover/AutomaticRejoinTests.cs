using Npgsql;
using Pgward.Agent.Failover;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>The agent's automatic rejoin (<see cref="FailoverActuator.RejoinAsync"/>) on real servers, in-process.</summary>
public sealed class AutomaticRejoinTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromSeconds(90);

    /// <summary>
    /// Defect 6 of RELIABILITY.md (old-primary-returns:sync seed 4): the rejoin stopped the standby, then found no
    /// primary to rejoin, and left the server down. With its "new primary" stopped, pg_rewind and the re-clone both
    /// fail before they change anything.
    /// </summary>
    [Fact]
    public async Task Rejoin_that_finds_nothing_to_rejoin_starts_the_standby_again_as_it_was()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var primary = (await NodesAsync(sandbox.ConnectionString(2))).Single(n => n.NodeId == 1);
        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var pidBefore = PostmasterPid.RunningPid(sandbox.DataDirectory(2));
        Assert.NotNull(pidBefore);
        var signal = Path.Combine(sandbox.DataDirectory(2), "standby.signal");
        var signalBefore = await File.ReadAllTextAsync(signal, Token);

        var actuator = AgentContext.Actuator(AgentContext.From(sandbox.Config(2)));
        var outcome = await actuator.RejoinAsync(primary, Token);

        Assert.False(outcome.Succeeded, "a rejoin to a stopped primary succeeded");
        var pidAfter = PostmasterPid.RunningPid(sandbox.DataDirectory(2));
        Assert.True(pidAfter is not null, $"the standby was left stopped after the failed rejoin ({outcome.Error})");
        Assert.NotEqual(pidBefore, pidAfter);
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2), "SELECT pg_is_in_recovery()", Token));
        Assert.Equal(signalBefore, await File.ReadAllTextAsync(signal, Token));
    }

    private async Task<IReadOnlyList<NodeRecord>> NodesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Token);
        return await new MetadataStore(connection).GetNodesAsync(Token);
    }
}
