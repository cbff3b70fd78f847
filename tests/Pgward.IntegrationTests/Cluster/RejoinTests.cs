using System.Globalization;
using Pgward.Core.Postgres;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class RejoinTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Node_rejoin_rewinds_a_killed_primary_into_a_standby_of_the_new_primary_keeping_its_own_port()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        var node1Settings = Path.Combine(sandbox.DataDirectory(1), "pgward-node.conf");
        var settingsBefore = await File.ReadAllTextAsync(node1Settings, Token);
        await sandbox.KillPostmasterAsync(1, Token);
        await PromoteNode2Async(sandbox);
        var node2 = sandbox.Conninfo(2, connectTimeout: 5);

        var refused = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "rejoin", "-d", node2);
        Assert.True(refused.ExitCode == 24, refused.ToString());
        Assert.True(refused.Error.Contains("rejoin target is node \"node2\" (ID: 2)", StringComparison.Ordinal), refused.ToString());
        Assert.True(refused.Error.Contains("this node cannot attach to rejoin target node 2", StringComparison.Ordinal), refused.ToString());
        Assert.True(refused.Error.Contains("HINT: use --force-rewind to execute pg_rewind", StringComparison.Ordinal), refused.ToString());
        await AssertUnchangedAsync(sandbox);

        var dryRun = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "rejoin", "-d", node2, "--force-rewind", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.True(dryRun.Error.Contains("pg_rewind execution required", StringComparison.Ordinal), dryRun.ToString());
        await AssertUnchangedAsync(sandbox);

        var rejoin = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "-v", "node", "rejoin", "-d", node2, "--force-rewind");
        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        Assert.True(rejoin.Error.Contains("NODE REJOIN successful", StringComparison.Ordinal), rejoin.ToString());
        Assert.True(rejoin.Error.Contains("node 1 is now attached to node 2", StringComparison.Ordinal), rejoin.ToString());

        Assert.Equal(settingsBefore, await File.ReadAllTextAsync(node1Settings, Token));
        // What rejoin (node 1) and follow (node 3) wrote: TLS verified and the password file, never a password.
        foreach (var id in new[] { 1, 3 })
        {
            var upstream = Conninfo.Parse(Pgward.Cluster.Clone.PrimaryConninfo.Read(sandbox.DataDirectory(id)) ?? "");
            Assert.Equal(("verify-full", sandbox.CaFile, sandbox.PasswordFile, (string?)null),
                (upstream["sslmode"], upstream["sslrootcert"], upstream["passfile"], upstream["password"]));
        }
        var node1 = sandbox.ConnectionString(1);
        Assert.True(await Sql.ScalarAsync<bool>(node1, "SELECT pg_is_in_recovery()", Token));
        Assert.Equal(sandbox.BasePort.ToString(CultureInfo.InvariantCulture), await Sql.ScalarAsync<string>(node1, "SHOW port", Token));
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node1,
            "SELECT coalesce(bool_or(status = 'streaming' AND received_tli = 2), false) FROM pg_stat_wal_receiver", Token), Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO rejoin_probe VALUES (2)", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node1, "SELECT count(*) FROM rejoin_probe WHERE id = 2", Token) == 1, Token);

        Assert.Equal("standby|2|True", await Node1RecordAsync(sandbox));
        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "event", "--event", "node_rejoin", "--csv");
        Assert.StartsWith("1,node1,node_rejoin,t,", events.Out, StringComparison.Ordinal);
    }

    /// <summary>What a DBA does after losing the primary: promote a standby, re-point the other, write on.</summary>
    private async Task PromoteNode2Async(Sandbox sandbox)
    {
        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());
        var follow = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "standby", "follow");
        Assert.True(follow.ExitCode == 0, follow.ToString());
        await Sql.ExecuteAsync(sandbox.ConnectionString(2),
            "CREATE TABLE rejoin_probe (id int); INSERT INTO rejoin_probe SELECT generate_series(100, 200)", Token);
    }

    private async Task AssertUnchangedAsync(Sandbox sandbox)
    {
        Assert.False(File.Exists(Path.Combine(sandbox.DataDirectory(1), "standby.signal")));
        Assert.Null(PostmasterPid.Read(sandbox.DataDirectory(1)) is { } pid && PostmasterPid.ProcessAlive(pid) ? pid : null);
        Assert.Equal("primary||False", await Node1RecordAsync(sandbox));
    }

    private async Task<string> Node1RecordAsync(Sandbox sandbox) => await Sql.ScalarAsync<string>(sandbox.ConnectionString(2),
        "SELECT concat_ws('|', type, coalesce(upstream_node_id::text, ''), CASE WHEN active THEN 'True' ELSE 'False' END)"
        + " FROM pgward.nodes WHERE node_id = 1", Token);
}
