using System.Text.RegularExpressions;
using Pgward.Core.Postgres;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class PromoteFollowTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Promote_is_refused_while_primary_runs_then_promotes_after_kill_and_sibling_follows_new_timeline()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);

        var refused = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(refused.ExitCode == 8, refused.ToString());
        Assert.Contains("this cluster already has an active primary", refused.Error, StringComparison.Ordinal);
        Assert.Contains("current primary is \"node1\" (ID: 1)", refused.Error, StringComparison.Ordinal);
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2), "SELECT pg_is_in_recovery()", Token));

        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        var written = await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
        foreach (var standby in new[] { 2, 3 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(standby),
                $"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn", Token), Token);
        }
        await sandbox.KillPostmasterAsync(1, Token);

        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t VALUES (2)", Token);
        Assert.Equal("1:primary:f,2:primary:t,3:standby:t", await NodesAsync(sandbox.ConnectionString(2)));

        var follow = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "standby", "follow");
        Assert.True(follow.ExitCode == 0, follow.ToString());
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<string>(sandbox.ConnectionString(3),
            "SELECT coalesce((SELECT status || ':' || sender_port || ':' || received_tli FROM pg_stat_wal_receiver), '')", Token)
            == $"streaming:{sandbox.BasePort + 1}:2", Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t VALUES (3)", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(3),
            "SELECT count(*) FROM t WHERE id = 3", Token) == 1, Token);

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "cluster", "show");
        Assert.Equal("- failed", Row(show, "node1")[3]);
        Assert.Equal(["primary", "* running"], Row(show, "node2")[2..4]);
        Assert.Equal(["standby", "running", "node2"], Row(show, "node3")[2..5]);
        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "event", "--csv");
        Assert.Contains("2,node2,standby_promote,t,", events.Out, StringComparison.Ordinal);
        Assert.Contains("3,node3,standby_follow,t,", events.Out, StringComparison.Ordinal);
        Assert.Equal("standby attached to upstream node \"node2\" (ID: 2)", await Sql.ScalarAsync<string>(sandbox.ConnectionString(2),
            "SELECT details FROM pgward.events WHERE event = 'standby_follow'", Token));
    }

    /// <summary>repmgr's <c>standby promote --siblings-follow</c>: the other standby of the failed primary is re-pointed
    /// through its agent in the same command; without the option the promotion names it.</summary>
    [Fact]
    public async Task Promote_with_siblings_follow_re_points_the_other_standby_through_its_agent()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [2, 3], Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        await sandbox.KillPostmasterAsync(1, Token);

        var named = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote", "--dry-run");
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains("1 other standby of the former primary: node \"node3\" (ID: 3); re-point it with \"pgward standby follow\" on each, or promote with --siblings-follow",
            named.Error, StringComparison.Ordinal);
        var dryRun = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote", "--dry-run", "--siblings-follow");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"would re-point node \"node3\" (ID: 3) to node \"node2\" (ID: 2) through its agent at {sandbox.AgentUrl(3)}", dryRun.Error, StringComparison.Ordinal);
        // What the real run needs, not only an agent that answers: a token it takes.
        var wrongToken = Path.Combine(Directory.Path, "node2-wrong-token.conf");
        await File.WriteAllTextAsync(wrongToken, Regex.Replace(await File.ReadAllTextAsync(sandbox.Config(2), Token),
            "(?m)^agent_token = .*$", "agent_token = 'not-the-token-of-this-cluster-0123456789'"), Token);
        File.SetUnixFileMode(wrongToken, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var refused = await PgwardCli.RunAsync(Token, "-f", wrongToken, "standby", "promote", "--dry-run", "--siblings-follow");
        Assert.True(refused.ExitCode == 0, refused.ToString());
        Assert.True(refused.Error.Contains($"node \"node3\" (ID: 3) could not be re-pointed: its agent at {sandbox.AgentUrl(3)} refuses this "
            + "node's agent_token (401: wrong token); every node's pgward.conf needs the cluster's agent_token", StringComparison.Ordinal)
            && !refused.Error.Contains("would re-point", StringComparison.Ordinal), refused.ToString());

        // The agents promote through an election, which the voters refuse until the primary's lease they hold has run out.
        CliRun? promote = null;
        await Sql.WaitUntilAsync(async () =>
        {
            promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote", "--siblings-follow");
            Assert.True(promote.ExitCode == 0 || promote.Error.Contains("heard the primary recently", StringComparison.Ordinal), promote.ToString());
            return promote.ExitCode == 0;
        }, Token);
        Assert.Contains("node \"node3\" (ID: 3) now follows node \"node2\" (ID: 2)", promote!.Error, StringComparison.Ordinal);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<string>(sandbox.ConnectionString(3),
            "SELECT coalesce((SELECT status || ':' || sender_port || ':' || received_tli FROM pg_stat_wal_receiver), '')", Token)
            == $"streaming:{sandbox.BasePort + 1}:2", Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t VALUES (2)", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(3), "SELECT count(*) FROM t", Token) == 2, Token);
    }

    [Fact]
    public async Task Node_service_stops_a_standby_with_checkpoint_and_starts_it_again()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);

        var list = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--list-actions");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("-m fast stop", list.Out, StringComparison.Ordinal);

        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop", "--checkpoint");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Null(PostmasterPid.Read(sandbox.DataDirectory(2)));

        var start = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=start");
        Assert.True(start.ExitCode == 0, start.ToString());
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<string>(sandbox.ConnectionString(2),
            "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), '')", Token) == "streaming", Token);
    }

    private async Task<string> NodesAsync(string connectionString) =>
        await Sql.ScalarAsync<string>(connectionString,
            "SELECT string_agg(node_id || ':' || type || ':' || CASE WHEN active THEN 't' ELSE 'f' END, ',' ORDER BY node_id) FROM pgward.nodes",
            Token);

    private static string[] Row(CliRun show, string nodeName) =>
        show.Out.Split('\n')
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .FirstOrDefault(cells => cells.Length > 3 && cells[1] == nodeName)
        ?? throw new Xunit.Sdk.XunitException($"no row for {nodeName}\n{show}");
}
