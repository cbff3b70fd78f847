using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary><c>node rejoin</c> by hand in a cluster whose agents guard the primary (auto_rejoin off, repmgr's default).</summary>
public sealed class ManualRejoinTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    /// <summary>
    /// The primary's host dies with writes the others never received; the DBA rejoins it by hand without starting it
    /// (README, "By hand"). Its data directory holds the agent's guard, <c>standby.signal</c>, and pg_rewind's own crash
    /// recovery, in single-user mode, refuses standby mode: the rejoin failed with "standby mode is not supported by
    /// single-user servers". The server now finishes its crash recovery read-only first.
    /// </summary>
    [Fact]
    public async Task Killed_primary_that_its_agent_guarded_is_rewound_by_node_rejoin_without_being_started_first()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token, "auto_rejoin = off");
        await cluster.WaitForGuardAsync(1, Token);
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1), "CREATE TABLE shared (id int); INSERT INTO shared VALUES (1)", Token);
        foreach (var id in new[] { 2, 3 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(id),
                "SELECT count(*) FROM pg_class WHERE relname = 'shared'", Token) == 1, Token);
        }
        // Writes the standbys never receive: their WAL receivers are frozen until the primary is gone.
        var receivers = new List<int>();
        foreach (var id in new[] { 2, 3 })
        {
            receivers.Add(await Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(id), "SELECT pid FROM pg_stat_wal_receiver", Token));
        }
        AgentProcesses.Signal(receivers, "STOP");
        try
        {
            await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(1) + ";Command Timeout=5",
                "SET synchronous_commit = local; CREATE TABLE forked AS SELECT g AS id FROM generate_series(1, 10000) g", Token);
            await cluster.Agents.KillAsync(1);
            await cluster.Sandbox.KillPostmasterAsync(1, Token);
        }
        finally
        {
            AgentProcesses.Signal(receivers, "CONT");
        }
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(30), Token);
        Assert.StartsWith("pgward: primary guard", await File.ReadAllTextAsync(Path.Combine(cluster.Sandbox.DataDirectory(1), "standby.signal"), Token),
            StringComparison.Ordinal);

        var rejoin = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(primary), "--force-rewind");

        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        Assert.Contains("starting it read-only to finish its crash recovery", rejoin.Error, StringComparison.Ordinal);
        Assert.Contains("pg_rewind copied the changed blocks", rejoin.Error, StringComparison.Ordinal);
        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        Assert.Equal(0, await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1), "SELECT count(*) FROM pg_class WHERE relname = 'forked'", Token));
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(primary), "INSERT INTO shared VALUES (2)", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(cluster.Sandbox.ConnectionString(1), "SELECT count(*) FROM shared", Token) == 2, Token);
    }
}
