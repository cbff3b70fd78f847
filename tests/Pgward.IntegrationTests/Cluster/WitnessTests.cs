using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class WitnessTests : PgIntegrationTest
{
    [Fact]
    public async Task Witness_holds_a_copy_of_the_node_records_and_shows_as_a_running_witness()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, witness: true);

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.WitnessConfig, "cluster", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("| witness | witness | * running | node1    | default  | 0        | n/a", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("even number of voters", show.Error, StringComparison.Ordinal);
        const string records = "select string_agg(node_id || ':' || type || ':' || coalesce(upstream_node_id, 0), ',' order by node_id) from pgward.nodes";
        Assert.Equal("1:primary:0,2:standby:1,3:witness:1", await Sql.ScalarAsync<string>(sandbox.WitnessConnectionString, records, Token));
        Assert.Equal(await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), records, Token),
            await Sql.ScalarAsync<string>(sandbox.WitnessConnectionString, records, Token));
        Assert.False(await Sql.ScalarAsync<bool>(sandbox.WitnessConnectionString, "select pg_is_in_recovery()", Token));
        var check = await PgwardCli.RunAsync(Token, "-f", sandbox.WitnessConfig, "node", "check", "--role", "--nagios");
        Assert.Equal("PGWARD_SERVER_ROLE OK: node is witness", check.Out.Trim());

        var again = await PgwardCli.RunAsync(Token, "-f", sandbox.WitnessConfig, "witness", "register", "-h", "127.0.0.1", "-p", $"{sandbox.BasePort}");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("use -F/--force", again.Error, StringComparison.Ordinal);

        var unregister = await PgwardCli.RunAsync(Token, "-f", sandbox.WitnessConfig, "witness", "unregister");
        Assert.True(unregister.ExitCode == 0, unregister.ToString());
        var without = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.DoesNotContain("| witness |", without.Out, StringComparison.Ordinal);
        // Two data nodes and no witness: a layout warning, not an inconsistency, so the exit code stays 0.
        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.Contains("2 data nodes vote in automatic failover and no active witness", without.Error, StringComparison.Ordinal);
        Assert.Contains("add a witness (pgward witness register)", without.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Witness_register_refuses_a_standby_of_the_cluster()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);

        var register = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "witness", "register", "-h", "127.0.0.1", "-p", $"{sandbox.BasePort}");

        Assert.Equal(1, register.ExitCode);
        Assert.Contains("is a standby; a witness is a separate, non-replicating server", register.Error, StringComparison.Ordinal);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "select count(*) from pgward.nodes", Token));
    }
}
