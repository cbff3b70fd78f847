using Pgward.UnitTests.Failover.Simulation;
using Xunit;
using static Pgward.UnitTests.Failover.FailoverScenarioTests;

namespace Pgward.UnitTests.Failover;

/// <summary>Promotions an operator asks for (switchover, standby promote) go through the same election.</summary>
public sealed class FailoverOperatorTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public void Switchover_promotes_the_chosen_standby_at_once_after_the_primary_releases_its_lease()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 31);
        cluster.RunFor(Settle);
        cluster.StopPrimaryForSwitchover(1);
        var askedAt = cluster.Elapsed;
        // Node 3 is chosen although node 2 has the same position and a lower id: the operator's choice wins ties.
        cluster.RequestPromotion(3);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary == 3, TimeSpan.FromSeconds(1)), Dump(cluster));
        Assert.True((cluster.Elapsed - askedAt).TotalSeconds < 0.5, $"{(cluster.Elapsed - askedAt).TotalSeconds} s\n{Dump(cluster)}");
        cluster.RunFor(TimeSpan.FromSeconds(3));
        Assert.Equal(3, cluster.Node(2).Postgres.UpstreamId);
        AssertSafe(cluster);
    }

    [Fact]
    public void Manual_promotion_waits_out_the_lease_of_a_primary_that_did_not_release_it()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 32);
        cluster.RunFor(Settle);
        cluster.Crash(1);
        var crashedAt = cluster.Elapsed;
        cluster.RequestPromotion(3);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(4)), Dump(cluster));
        Assert.True((cluster.Elapsed - crashedAt).TotalSeconds >= 1.4, Dump(cluster));
        AssertSafe(cluster);
    }

    [Fact]
    public void Manual_promotion_beside_a_healthy_primary_is_refused_and_changes_nothing()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 33);
        cluster.RunFor(Settle);
        cluster.Node(2).Postgres.Lsn = cluster.Node(1).Postgres.Lsn;
        cluster.RequestPromotion(2);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(1, cluster.WritablePrimary);
        Assert.Empty(cluster.Promotions);
        AssertSafe(cluster);
    }
}
