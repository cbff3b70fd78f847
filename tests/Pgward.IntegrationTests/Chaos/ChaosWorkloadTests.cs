using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Failover;
using Pgward.Testing;
using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>The chaos workload and checker against a real 3-node sandbox with automatic failover: one primary kill.</summary>
public sealed class ChaosWorkloadTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Workload_through_a_primary_kill_in_sync_mode_loses_no_acknowledged_write_and_sees_one_primary_at_a_time()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token, "replication_mode = sync");
        await using var workload = await ChaosWorkload.StartAsync(new ChaosWorkloadOptions(cluster.ClientConnectionString), Token);
        await workload.WaitUntilAsync(h => h.Acknowledged.Count() >= 100 && h.Reads.Any(r => r.FromStandby), Token);

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        var killedAt = workload.Elapsed;
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        var newPrimary = $"node{primary}";
        await workload.WaitUntilAsync(h => h.Acknowledged.Count(w => w.Node == newPrimary) >= 100, Token);
        var history = await workload.StopAsync();

        // The old primary returns and rejoins, so that the final rows of every node can be compared.
        await cluster.Sandbox.StartServerAsync(1, Token);
        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        await WaitForReplayAsync(cluster, primary);
        var table = new ChaosTable();
        var rows = await Task.WhenAll(Enumerable.Range(1, 3).Select(id => table.ReadAllAsync(cluster.Sandbox.ConnectionString(id), Token)));
        var verdict = ChaosChecker.Check(history, newPrimary, rows);

        var failover = history.FirstAcknowledgedAfter(killedAt, exceptNode: "node1")!.End - killedAt;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{verdict.Attempted} writes: {verdict.Acknowledged} acknowledged ({string.Join(", ", verdict.AcknowledgingNodes)}), {verdict.Failed} failed, "
            + $"{verdict.Unknown} unknown ({verdict.UnknownLanded} landed); {history.Reads.Count} reads; writes resumed {failover.TotalSeconds:0.00} s "
            + $"after the kill; longest gap {verdict.LongestAcknowledgementGap.TotalSeconds:0.00} s");
        Assert.Empty(verdict.Lost);
        Assert.Empty(verdict.TwoPrimaryIntervals);
        Assert.Empty(verdict.Problems(lossAllowed: false));
        Assert.Equal(["node1", newPrimary], verdict.AcknowledgingNodes);
        Assert.Contains(history.Reads, r => r.FromStandby);
    }

    /// <summary>Waits until every standby has replayed all the primary has written: only then do final rows compare.</summary>
    private async Task WaitForReplayAsync(FailoverCluster cluster, int primary)
    {
        var lsn = await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(primary), "SELECT pg_current_wal_lsn()::text", Token);
        foreach (var id in Enumerable.Range(1, 3).Where(id => id != primary))
        {
            await cluster.WaitAsync(async () => await Sql.ScalarAsync<bool>(cluster.Sandbox.ConnectionString(id),
                $"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", Token), TimeSpan.FromSeconds(30), $"node {id} replaying up to {lsn}", Token);
        }
    }
}
