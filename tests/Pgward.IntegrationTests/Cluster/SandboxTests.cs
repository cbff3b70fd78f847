using System.Text.Json;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class SandboxTests : PgIntegrationTest
{
    [Fact]
    public async Task Sandbox_up_builds_a_primary_and_two_streaming_standbys_that_replicate_a_row()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.Equal(0, show.ExitCode);
        var rows = show.Out.Split('\n').Where(l => l.Contains(" | ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Single(rows, r => r.Contains("| primary | * running", StringComparison.Ordinal));
        Assert.Equal(2, rows.Count(r => r.Contains("| standby |   running | node1 ", StringComparison.Ordinal)));

        var streaming = await Sql.ScalarAsync<long>(sandbox.ConnectionString(1),
            "select count(*) from pg_stat_replication where state = 'streaming' and application_name in ('node2', 'node3')", Token);
        Assert.Equal(2, streaming);

        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "create table probe (id int primary key); insert into probe values (7)", Token);
        foreach (var standby in new[] { 2, 3 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(standby),
                "select count(*) from pg_class where relname = 'probe'", Token) == 1, Token);
            Assert.Equal(7, await Sql.ScalarAsync<int>(sandbox.ConnectionString(standby), "select id from probe", Token));
        }
    }

    [Fact]
    public async Task Sandbox_up_twice_says_it_runs_and_down_leaves_no_server()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);

        var again = await PgwardCli.RunAsync(Token, "sandbox", "up", "--dir", sandbox.Directory, "--agents", "false");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already runs", again.Error, StringComparison.Ordinal);
        // Other ports for a sandbox that exists: refused, not ignored.
        var elsewhere = await PgwardCli.RunAsync(Token, "sandbox", "up", "--dir", sandbox.Directory, "--agents", "false", "--port", $"{sandbox.BasePort + 10}");
        Assert.NotEqual(0, elsewhere.ExitCode);
        Assert.Contains($"has 2 node(s) from port {sandbox.BasePort}: --port {sandbox.BasePort + 10} cannot change it", elsewhere.Error, StringComparison.Ordinal);
        Assert.Contains("sandbox down --purge", elsewhere.Error, StringComparison.Ordinal);
        var same = await PgwardCli.RunAsync(Token, "sandbox", "up", "--dir", sandbox.Directory, "--agents", "false", "--port", $"{sandbox.BasePort}", "--nodes", "2");
        Assert.Equal(0, same.ExitCode);

        var down = await PgwardCli.RunAsync(Token, "sandbox", "down", "--dir", sandbox.Directory);
        Assert.Equal(0, down.ExitCode);
        Assert.False(File.Exists(Path.Combine(sandbox.DataDirectory(1), "postmaster.pid")), down.ToString());
        Assert.False(File.Exists(Path.Combine(sandbox.DataDirectory(2), "postmaster.pid")), down.ToString());
        var status = await PgwardCli.RunAsync(Token, "sandbox", "status", "--dir", sandbox.Directory);
        Assert.Equal(2, status.Out.Split('\n').Count(l => l.Contains("| stopped", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cluster_show_marks_a_stopped_standby_unreachable_and_exits_25_also_in_json()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        Assert.Null(await ServerRegistry.StopAsync(sandbox.DataDirectory(3), Core.Postgres.ShutdownMode.Fast, Token));

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.Equal(25, show.ExitCode);
        Assert.Contains("| standby | ? unreachable | ? node1", show.Out, StringComparison.Ordinal);
        Assert.Contains("node \"node3\" (ID: 3) is registered as an active standby but is unreachable", show.Error, StringComparison.Ordinal);

        // Run from the stopped node itself: the metadata comes from another node.
        var json = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "cluster", "show", "--json");
        Assert.Equal(25, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var node3 = document.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetInt32() == 3);
        Assert.False(node3.GetProperty("reachable").GetBoolean());
        Assert.Equal("? unreachable", node3.GetProperty("status").GetString());
        Assert.Contains(document.RootElement.GetProperty("warnings").EnumerateArray(),
            w => w.GetString()!.Contains("node3", StringComparison.Ordinal));

        var lag = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(3), "node", "check", "--replication-lag", "--nagios");
        Assert.Equal(2, lag.ExitCode);
        Assert.StartsWith("PGWARD_REPLICATION_LAG CRITICAL:", lag.Out, StringComparison.Ordinal);

        var downstream = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--downstream", "--nagios");
        Assert.Equal(2, downstream.ExitCode);
        Assert.Contains("missing: node3 (ID: 3)", downstream.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_check_replication_lag_warns_when_a_standby_stops_replaying()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await File.AppendAllTextAsync(sandbox.Config(2), "replication_lag_warning = 1\nreplication_lag_critical = 3600\n", Token);

        var healthy = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "check", "--replication-lag", "--nagios");
        Assert.Equal(0, healthy.ExitCode);
        Assert.StartsWith("PGWARD_REPLICATION_LAG OK: 0 seconds | lag=0;1;3600", healthy.Out, StringComparison.Ordinal);

        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "create table t (id int)", Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "select pg_wal_replay_pause()", Token);
        CliRun lagging = healthy;
        await Sql.WaitUntilAsync(async () =>
        {
            // Each commit is WAL the paused standby receives but does not replay.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "insert into t values (1)", Token);
            lagging = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "check", "--replication-lag", "--nagios");
            return lagging.ExitCode != 0;
        }, Token);
        Assert.Equal(1, lagging.ExitCode);
        Assert.StartsWith("PGWARD_REPLICATION_LAG WARNING:", lagging.Out, StringComparison.Ordinal);
        Assert.Contains("| lag=", lagging.Out, StringComparison.Ordinal);
    }

    /// <summary>repmgr's <c>--missing-slots</c>, <c>--repmgrd</c> (pgward's <c>--agent</c>), the full check's <c>--csv</c>, and
    /// <c>node status --csv</c>.</summary>
    [Fact]
    public async Task Node_check_names_a_missing_slot_the_agent_down_or_paused_and_writes_csv()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var status = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "status", "--csv");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.StartsWith("\"Node name\",\"node2\"\n\"Node ID\",\"2\"\n\"PostgreSQL version\",\"15.", status.Out, StringComparison.Ordinal);
        Assert.Contains("\n\"Role\",\"standby\"\n", status.Out, StringComparison.Ordinal);
        Assert.Contains("\n\"Upstream node\",\"node1 (ID: 1)\"\n", status.Out, StringComparison.Ordinal);
        var whole = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--missing-slots", "--nagios");
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.Equal("PGWARD_MISSING_SLOTS OK: node has no missing physical replication slots | missing_slots=0", whole.Out.Trim());

        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "SELECT pg_drop_replication_slot('pgward_slot_2')", Token);
        var missing = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--missing-slots", "--nagios");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("PGWARD_MISSING_SLOTS CRITICAL: 1 of 1 physical replication slots are missing: pgward_slot_2 (for node \"node2\" (ID: 2))"
            + " | missing_slots=1;pgward_slot_2", missing.Out.Trim());
        var csv = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--csv");
        Assert.Equal(2, csv.ExitCode);
        Assert.StartsWith("\"Node name\",\"node1\"\n\"Node ID\",\"1\"\n\"Server role\",\"OK\",\"node is primary\"\n", csv.Out, StringComparison.Ordinal);
        Assert.Contains("\"Missing physical replication slots\",\"CRITICAL\",\"1 of 1 physical", csv.Out, StringComparison.Ordinal);

        var down = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--agent");
        Assert.Equal(2, down.ExitCode);
        Assert.StartsWith($"CRITICAL (pgward agent not running: no answer from {sandbox.AgentUrl(1)}", down.Out, StringComparison.Ordinal);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1], Token);
        var up = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--repmgrd", "--nagios");
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.StartsWith("PGWARD_AGENT OK: pgward agent running (PID ", up.Out, StringComparison.Ordinal);
        await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "daemon", "pause");
        var paused = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "check", "--agent");
        Assert.Equal(1, paused.ExitCode);
        Assert.Contains("but paused (pgward daemon unpause)", paused.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_show_works_from_a_standby_when_the_primary_is_down()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        Assert.Null(await ServerRegistry.StopAsync(sandbox.DataDirectory(1), Core.Postgres.ShutdownMode.Immediate, Token));

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "show", "--compact");

        Assert.Equal(25, show.ExitCode);
        Assert.Contains("| primary | ? unreachable |", show.Out, StringComparison.Ordinal);
        Assert.Contains("| standby |   running     | ? node1", show.Out, StringComparison.Ordinal);
    }
}
