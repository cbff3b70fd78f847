using Pgward.Failover;
using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Named scenarios of issue 4 against the simulated cluster, default timings.</summary>
public sealed class FailoverScenarioTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public void Bootstrap_unfences_the_initial_primary_within_one_heartbeat()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 1);
        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary == 1, TimeSpan.FromSeconds(1)));
        cluster.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(1, cluster.WritablePrimary);
        Assert.Empty(cluster.Promotions);
        AssertSafe(cluster);
    }

    [Fact]
    public void Primary_crash_promotes_the_most_advanced_standby_within_three_seconds_and_the_other_follows()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 2);
        cluster.RunFor(Settle);
        cluster.Crash(1);
        var crashedAt = cluster.Elapsed;

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(3)), Dump(cluster));
        Assert.InRange((cluster.Elapsed - crashedAt).TotalSeconds, 1.4, 3.0);
        var winner = cluster.WritablePrimary!.Value;
        cluster.RunFor(TimeSpan.FromSeconds(2));
        var other = winner == 2 ? 3 : 2;
        Assert.Equal(winner, cluster.Node(other).Postgres.UpstreamId);
        Assert.Equal(cluster.Node(winner).Postgres.Timeline, cluster.Node(other).Postgres.Timeline);
        AssertSafe(cluster);
    }

    [Fact]
    public void Primary_cut_off_from_the_majority_fences_before_the_new_primary_is_promoted()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 3);
        cluster.RunFor(Settle);
        cluster.Isolate(1);
        var cutAt = cluster.Elapsed;

        Assert.True(cluster.RunUntil(() => cluster.Promotions.Count > 0, TimeSpan.FromSeconds(4)), Dump(cluster));
        Assert.True(cluster.Node(1).Postgres.Fenced);
        var fencedAt = cluster.Log.First(line => line.Contains("node 1 fenced", StringComparison.Ordinal));
        Assert.True(double.Parse(fencedAt.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) < (cluster.Promotions[0].At).TotalSeconds);
        Assert.True((cluster.Promotions[0].At - cutAt).TotalSeconds < 3.0);
        AssertSafe(cluster);
    }

    [Fact]
    public void Old_primary_returning_after_a_partition_stays_fenced_and_rejoins()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 4);
        cluster.RunFor(Settle);
        cluster.Isolate(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));
        var winner = Assert.Single(cluster.Promotions).Node;
        cluster.Heal();
        cluster.RunFor(TimeSpan.FromSeconds(3));

        var old = cluster.Node(1).Postgres;
        Assert.False(old.IsPrimary);
        Assert.Equal(winner, old.UpstreamId);
        Assert.Equal(winner, cluster.WritablePrimary);
        AssertSafe(cluster);
    }

    [Fact]
    public void Old_primary_restarted_after_a_failover_never_takes_writes_and_rejoins()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 5);
        cluster.RunFor(Settle);
        cluster.Crash(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));
        var winner = Assert.Single(cluster.Promotions).Node;
        cluster.Restart(1);
        Assert.False(cluster.RunUntil(() => cluster.Node(1).Writable, TimeSpan.FromSeconds(5)));

        Assert.False(cluster.Node(1).Postgres.IsPrimary);
        Assert.Equal(winner, cluster.Node(1).Postgres.UpstreamId);
        AssertSafe(cluster);
    }

    [Fact]
    public void Old_primary_without_auto_rejoin_stays_fenced_and_says_why()
    {
        var settings = new SimSettings { Options = new FailoverOptions { AutoRejoin = false } };
        var cluster = new SimCluster(settings, seed: 6);
        cluster.RunFor(Settle);
        cluster.Crash(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));
        cluster.Restart(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.True(cluster.Node(1).Postgres.IsPrimary);
        Assert.True(cluster.Node(1).Postgres.Fenced);
        Assert.Contains(cluster.Refusals, refusal => refusal.Node == 1 && refusal.Reason.Contains("auto_rejoin", StringComparison.Ordinal));
        AssertSafe(cluster);
    }

    [Fact]
    public void Two_data_nodes_and_a_witness_fail_over_when_the_primary_dies()
    {
        var cluster = new SimCluster(new SimSettings { DataNodes = 2, Witness = true }, seed: 7);
        cluster.RunFor(Settle);
        cluster.Crash(1);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary == 2, TimeSpan.FromSeconds(3)), Dump(cluster));
        AssertSafe(cluster);
    }

    [Fact]
    public void Standby_that_loses_the_primary_while_the_witness_still_sees_it_does_not_fail_over()
    {
        var cluster = new SimCluster(new SimSettings { DataNodes = 2, Witness = true }, seed: 8);
        cluster.RunFor(Settle);
        cluster.Cut(1, 2);
        cluster.RunFor(TimeSpan.FromSeconds(20));

        Assert.Empty(cluster.Promotions);
        Assert.Equal(1, cluster.WritablePrimary);
        Assert.Equal(1, cluster.Term(2));
        cluster.Heal();
        cluster.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal(1, cluster.WritablePrimary);
        AssertSafe(cluster);
    }

    [Fact]
    public void Paused_cluster_promotes_nothing_when_the_primary_dies_and_fails_over_after_unpause()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 9);
        cluster.RunFor(Settle);
        cluster.SetPaused(true);
        cluster.Crash(1);
        cluster.RunFor(TimeSpan.FromSeconds(20));

        Assert.Empty(cluster.Promotions);
        Assert.Null(cluster.WritablePrimary);
        Assert.True(cluster.Node(2).Agent!.Status.Paused);

        cluster.SetPaused(false);
        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(3)), Dump(cluster));
        AssertSafe(cluster);
    }

    [Fact]
    public void Stall_of_the_primary_shorter_than_the_detection_time_causes_no_failover()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 10);
        cluster.RunFor(Settle);
        cluster.Freeze(1);
        cluster.RunFor(TimeSpan.FromSeconds(1));
        cluster.Unfreeze(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Empty(cluster.Promotions);
        Assert.Equal(1, cluster.WritablePrimary);
        AssertSafe(cluster);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Primary_stalled_past_the_fence_timeout_but_short_of_detection_is_fenced_on_resume_and_leads_again_without_a_failover(bool commitLease)
    {
        // Since FenceDelay is gone (issue 13) the fence acts at the lease's end with the commit lease too: the lease
        // holds only commits that wait for a synchronous standby, and a session with synchronous_commit = local must not
        // be acknowledged beyond it. The voters' answers to the heartbeats sent on resuming lift the fence again.
        var options = new FailoverOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(250), CommitLease = commitLease };
        var cluster = new SimCluster(new SimSettings { Options = options }, seed: 12);
        cluster.RunFor(Settle);
        cluster.Freeze(1);
        cluster.RunFor(TimeSpan.FromMilliseconds(1600));
        cluster.Unfreeze(1);
        Assert.False(cluster.Node(1).Writable);
        cluster.RunFor(TimeSpan.FromSeconds(3));

        Assert.Empty(cluster.Promotions);
        Assert.Equal(1, cluster.WritablePrimary);
        Assert.Contains(cluster.Log, line => line.Contains("node 1 fenced", StringComparison.Ordinal));
        AssertSafe(cluster);
    }

    [Fact]
    public void Primary_frozen_past_the_detection_time_is_replaced_and_fences_itself_on_resume()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 11);
        cluster.RunFor(Settle);
        cluster.Freeze(1);
        cluster.RunFor(TimeSpan.FromSeconds(6));
        var winner = Assert.Single(cluster.Promotions).Node;
        cluster.Unfreeze(1);
        Assert.False(cluster.Node(1).Writable);
        cluster.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(winner, cluster.WritablePrimary);
        Assert.Equal(winner, cluster.Node(1).Postgres.UpstreamId);
        AssertSafe(cluster);
    }

    [Fact]
    public void Sync_mode_with_no_standby_holding_every_acknowledged_commit_refuses_and_says_why()
    {
        // Node 3 may not be promoted; node 2 receives no WAL, so only node 3 acknowledges commits.
        var settings = new SimSettings
        {
            Options = new FailoverOptions { ReplicationMode = ReplicationMode.Sync, MaximumLagOnFailover = null },
            Profiles = new Dictionary<int, NodeProfile> { [3] = new NodeProfile(3, Priority: 0) },
        };
        var cluster = new SimCluster(settings, seed: 12);
        cluster.WalStopped.Add(2);
        cluster.RunFor(Settle);
        Assert.True(cluster.AckedCommitLsn > cluster.Node(2).Postgres.Lsn);
        cluster.Crash(1);
        cluster.RunFor(TimeSpan.FromSeconds(10));

        Assert.Empty(cluster.Promotions);
        Assert.Contains(cluster.Refusals, refusal => refusal.Node == 2 && refusal.Reason.Contains("acknowledged", StringComparison.Ordinal));
        AssertSafe(cluster);
    }

    [Fact]
    public void Sync_mode_promotes_the_standby_that_holds_every_acknowledged_commit()
    {
        var settings = new SimSettings { Options = new FailoverOptions { ReplicationMode = ReplicationMode.Sync } };
        var cluster = new SimCluster(settings, seed: 13);
        cluster.RunFor(Settle);
        var acked = cluster.AckedCommitLsn;
        cluster.Crash(1);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(3)), Dump(cluster));
        Assert.True(cluster.Node(cluster.WritablePrimary!.Value).Postgres.Lsn >= acked);
        AssertSafe(cluster);
    }

    [Theory]
    [InlineData(ReplicationMode.Async)]
    [InlineData(ReplicationMode.Sync)]
    public void A_delayed_standby_never_stands_and_never_holds_back_the_standby_that_does(ReplicationMode mode)
    {
        // Node 2 would win on node id: as advanced as node 3, the same priority.
        var cluster = new SimCluster(new SimSettings { Options = new FailoverOptions { ReplicationMode = mode } }, seed: 14);
        cluster.Node(2).Postgres.ApplyDelayed = true;
        cluster.RunFor(Settle);
        cluster.Crash(1);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(4)), Dump(cluster));
        Assert.Equal(3, cluster.WritablePrimary);
        Assert.Contains(cluster.Log, line => line.Contains("node 2 does not stand: it applies WAL late on purpose", StringComparison.Ordinal));
        cluster.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal(3, cluster.Node(2).Postgres.UpstreamId);
        AssertSafe(cluster);
    }

    [Fact]
    public void A_delayed_standby_alone_is_not_promoted()
    {
        var cluster = new SimCluster(new SimSettings { DataNodes = 2, Witness = true }, seed: 15);
        cluster.Node(2).Postgres.ApplyDelayed = true;
        cluster.RunFor(Settle);
        cluster.Crash(1);
        cluster.RunFor(TimeSpan.FromSeconds(10));

        Assert.Empty(cluster.Promotions);
        AssertSafe(cluster);
    }

    [Fact]
    public void In_sync_mode_a_voter_that_never_stands_does_not_take_precedence_over_the_candidate()
    {
        // Node 2 is as advanced as node 3 and has the lower id, but failover = manual: it never stands, so node 3 must not
        // give way to it.
        var settings = new SimSettings
        {
            Options = new FailoverOptions { ReplicationMode = ReplicationMode.Sync },
            Profiles = new Dictionary<int, NodeProfile> { [2] = new NodeProfile(2, Failover: FailoverMode.Manual) },
        };
        var cluster = new SimCluster(settings, seed: 16);
        cluster.RunFor(Settle);
        cluster.Crash(1);

        Assert.True(cluster.RunUntil(() => cluster.WritablePrimary is not null, TimeSpan.FromSeconds(4)), Dump(cluster));
        Assert.Equal(3, cluster.WritablePrimary);
        AssertSafe(cluster);
    }

    [Theory]
    [InlineData(0.92, 1.08)]
    [InlineData(1.08, 0.92)]
    public void Primary_cut_off_is_fenced_in_time_when_clock_rates_differ_by_up_to_eight_percent(double primaryRate, double othersRate)
    {
        var cluster = ClusterWithClockRates(primaryRate, othersRate);
        cluster.Isolate(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Single(cluster.Promotions);
        AssertSafe(cluster);
    }

    /// <summary>The bounded-drift assumption is needed: a primary whose clock runs 30 % slow, among voters
    /// whose clocks run 30 % fast, is still writable when the new primary is promoted.</summary>
    [Fact]
    public void Primary_cut_off_is_fenced_too_late_when_clock_rates_differ_by_sixty_percent()
    {
        var cluster = ClusterWithClockRates(0.7, 1.3);
        cluster.Isolate(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Contains(cluster.Violations, violation => violation.Contains("all writable", StringComparison.Ordinal));
    }

    private static SimCluster ClusterWithClockRates(double primaryRate, double othersRate)
    {
        var cluster = new SimCluster(new SimSettings(), seed: 14);
        cluster.Node(1).ClockRate = primaryRate;
        cluster.Node(2).ClockRate = othersRate;
        cluster.Node(3).ClockRate = othersRate;
        cluster.RunFor(Settle);
        return cluster;
    }

    internal static void AssertSafe(SimCluster cluster) =>
        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations) + "\n" + Dump(cluster));

    internal static string Dump(SimCluster cluster) => string.Join("\n", cluster.Log.TakeLast(60));
}
