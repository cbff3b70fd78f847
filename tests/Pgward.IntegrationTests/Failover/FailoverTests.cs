using Pgward.Core.Config;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>Issue 4's scenarios against real servers and agents, with a client writing through a multi-host string.</summary>
public sealed class FailoverTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    public async Task Host_death_of_the_primary_promotes_a_standby_the_other_follows_and_the_restarted_old_primary_rejoins_without_taking_writes(string mode)
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: true, Token, $"replication_mode = {mode}");
        await using var load = await WriteLoad.StartAsync(cluster.Sandbox.MultiHostConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);
        var termBefore = await AssertStandbysScrapedAsync(cluster);

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        var killedAt = Now();
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        await AssertPromotionScrapedAsync(cluster, primary, termBefore);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        var other = primary == 2 ? 3 : 2;
        await cluster.WaitForStandbyAsync(other, primary, TimeSpan.FromSeconds(30), Token);
        Assert.Equal(primary, await Pgward.IntegrationTests.Cluster.Sql.ScalarAsync<int>(cluster.Sandbox.ConnectionString(primary),
            "SELECT upstream_node_id FROM pgward.nodes WHERE type = 'witness'", Token));

        // The old primary comes back, server first, then its agent: it must never acknowledge a write.
        await cluster.Sandbox.StartServerAsync(1, Token);
        cluster.Agents.Start(1, cluster.Config(1));
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        // The rejoined old primary kept the slots of the standbys that streamed from it (issue 14, defect 19).
        await Pgward.IntegrationTests.Cluster.ReplicationSlotSets.AssertAsync(cluster.Sandbox, new()
        {
            [1] = [],
            [primary] = ["pgward_slot_1", $"pgward_slot_{other}"],
            [other] = [],
        }, Token);

        var result = await load.StopAsync();
        Assert.Empty(result.InterleavedPrimaries());
        var failoverTime = result.AcknowledgedBy.First(a => a.Port != cluster.Port(1) && a.At > killedAt).At - killedAt;
        var lost = result.Acknowledged.Except(await RowsAsync(cluster, primary)).ToList();
        if (mode == "sync")
        {
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost: {string.Join(",", lost.Take(20))}");
            // The elected standby, cloned before the primary had the setting, set it before pg_promote(): its first
            // commit as the primary already waited for a standby (before, for up to a second, none did).
            var log = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(cluster.Sandbox.DataDirectory(primary))!, "postgresql.log"), Token);
            var set = log.IndexOf("parameter \"synchronous_standby_names\" changed to \"ANY 1", StringComparison.Ordinal);
            var promoted = log.IndexOf("received promote request", StringComparison.Ordinal);
            Assert.True(set >= 0 && set < promoted, $"node{primary} was promoted before it had synchronous_standby_names:\n{log}");
        }
        Assert.True(failoverTime < TimeSpan.FromSeconds(10), $"writes resumed {failoverTime.TotalSeconds:0.0} s after the kill\n{cluster.Agents.Logs()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{mode}: writes resumed {failoverTime.TotalSeconds:0.00} s after the kill, {lost.Count} acknowledged rows lost, longest gap {result.LongestGap.TotalSeconds:0.00} s");
    }

    /// <summary>How a Prometheus server scrapes the sandbox's agents: their CA, node 1's certificate, the agent token.</summary>
    private static NodeOptions Scraper(FailoverCluster cluster) => new()
    {
        AgentToken = SandboxAgents.Token,
        AgentTlsCaFile = cluster.Sandbox.CaFile,
        AgentTlsCertFile = cluster.Sandbox.NodeCertificate(1).Certificate,
        AgentTlsKeyFile = cluster.Sandbox.NodeCertificate(1).Key,
    };

    /// <summary>Issue 18: before the failover, nodes 2 and 3 are standbys on /metrics, promoted never; returns the term.</summary>
    private static async Task<double> AssertStandbysScrapedAsync(FailoverCluster cluster)
    {
        var terms = new List<double>();
        foreach (var node in new[] { 2, 3 })
        {
            var metrics = await MetricsScrape.GetAsync(Scraper(cluster), cluster.AgentUrl(node), TestContext.Current.CancellationToken);
            Assert.True(metrics.Value("pgward_node_role", ("role", "standby"), ("node", $"node{node}")) == 1, metrics.Text);
            Assert.True(metrics.Value("pgward_failover_role", ("role", "standby")) == 1, metrics.Text);
            Assert.True(metrics.Value("pgward_promotions_total", ("cause", "failover")) == 0, metrics.Text);
            Assert.True(metrics.Value("pgward_replication_lag_bytes") is >= 0, metrics.Text);
            Assert.True(metrics.Value("pgward_primary_heartbeat_age_seconds") is >= 0 and < 5, metrics.Text);
            terms.Add(metrics.Value("pgward_failover_term") ?? throw new InvalidOperationException(metrics.Text));
        }
        return terms.Max();
    }

    /// <summary>Issue 18: after it, the new primary's /metrics shows its role, a later term, one promotion and how long it took.</summary>
    private static async Task AssertPromotionScrapedAsync(FailoverCluster cluster, int primary, double termBefore)
    {
        MetricsScrape? metrics = null;
        await cluster.WaitAsync(async () =>
        {
            metrics = await MetricsScrape.GetAsync(Scraper(cluster), cluster.AgentUrl(primary), TestContext.Current.CancellationToken);
            return metrics.Value("pgward_node_role", ("role", "primary")) == 1 && metrics.Value("pgward_promotions_total", ("cause", "failover")) == 1;
        }, TimeSpan.FromSeconds(10), $"node{primary}'s /metrics showing it primary and promoted once", TestContext.Current.CancellationToken);
        Assert.True(metrics!.Value("pgward_failover_term") > termBefore, metrics.Text);
        Assert.True(metrics.Value("pgward_elections_total") >= 1, metrics.Text);
        // From the last heartbeat heard (at most a heartbeat interval before the kill) to the promotion's end, which came
        // within WaitForPrimaryAsync's 20 s: a loaded machine runs several election rounds (3 of them, 10.5 s, at load 30).
        Assert.True(metrics.Value("pgward_last_promotion_duration_seconds", ("cause", "failover")) is > 0 and < 25, metrics.Text);
        Assert.True(metrics.Value("pgward_events_total", ("event", "repmgrd_failover_promote"), ("success", "true")) == 1, metrics.Text);
        Assert.Null(metrics.Value("pgward_replication_lag_bytes"));
        var (status, _) = await MetricsScrape.RequestAsync(Scraper(cluster) with { AgentToken = "" }, cluster.AgentUrl(primary), TestContext.Current.CancellationToken);
        Assert.Equal(401, status);
        TestContext.Current.TestOutputHelper?.WriteLine($"node{primary}'s /metrics after the failover:\n{metrics.Text}");
    }

    /// <summary>The clock of <see cref="WriteLoadResult.AcknowledgedBy"/>.</summary>
    internal static TimeSpan Now() => DirectWriter.Now();

    internal static Task<HashSet<long>> RowsAsync(FailoverCluster cluster, int nodeId) =>
        WriteLoad.RowsAsync(cluster.Sandbox.ConnectionString(nodeId), TestContext.Current.CancellationToken);
}
