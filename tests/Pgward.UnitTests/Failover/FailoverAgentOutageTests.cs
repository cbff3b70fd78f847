using Pgward.Failover;
using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Issue 13: the agent gone (killed, stopped, frozen) while its PostgreSQL runs, and the dead-man switch that
/// stops the server at the commit lease's end when the agent cannot.</summary>
public sealed class FailoverAgentOutageTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(ReplicationMode.Async, false)]
    [InlineData(ReplicationMode.Async, true)]
    [InlineData(ReplicationMode.Sync, false)]
    public void Primary_whose_agent_is_gone_for_good_is_stopped_by_the_switch_before_a_standby_is_promoted(ReplicationMode mode, bool commitLease)
    {
        var cluster = new SimCluster(Settings(mode, commitLease), seed: 31);
        cluster.RunFor(Settle);
        cluster.KillAgent(1);

        Assert.True(cluster.RunUntil(() => cluster.Promotions.Count > 0, TimeSpan.FromSeconds(4)), FailoverScenarioTests.Dump(cluster));
        var stop = Assert.Single(cluster.SwitchStops);
        Assert.Equal((1, true), (stop.Node, stop.AgentGone));
        Assert.True(stop.At < cluster.Promotions[0].At, FailoverScenarioTests.Dump(cluster));
        var winner = cluster.Promotions[0].Node;
        cluster.RunFor(TimeSpan.FromSeconds(3));
        Assert.False(cluster.Node(1).Postgres.Running);
        Assert.Equal(winner, cluster.WritablePrimary);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    [Fact]
    public void Primary_whose_agent_froze_past_detection_is_replaced_and_rejoins_when_the_agent_resumes()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 32);
        cluster.RunFor(Settle);
        cluster.FreezeAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(6));
        var winner = Assert.Single(cluster.Promotions).Node;
        Assert.True(Assert.Single(cluster.SwitchStops).At < cluster.Promotions[0].At);

        cluster.ResumeAgent(1);
        Assert.False(cluster.Node(1).Writable);
        cluster.RunFor(TimeSpan.FromSeconds(3));
        Assert.False(cluster.Node(1).Postgres.IsPrimary);
        Assert.Equal(winner, cluster.Node(1).Postgres.UpstreamId);
        Assert.Equal(winner, cluster.WritablePrimary);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    [Fact]
    public void Primary_whose_agent_froze_for_a_second_keeps_its_server_and_causes_no_failover()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 33);
        cluster.RunFor(Settle);
        cluster.FreezeAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(1));
        cluster.ResumeAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Empty(cluster.Promotions);
        Assert.Empty(cluster.SwitchStops);
        Assert.Equal(1, cluster.WritablePrimary);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    [Fact]
    public void Primary_whose_agent_is_restarted_within_the_lease_keeps_its_server_and_causes_no_failover()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 34);
        cluster.RunFor(Settle);
        cluster.KillAgent(1);
        cluster.RunFor(TimeSpan.FromMilliseconds(500));
        cluster.ResumeAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Empty(cluster.Promotions);
        Assert.Empty(cluster.SwitchStops);
        Assert.Equal(1, cluster.WritablePrimary);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    [Fact]
    public void Primary_whose_agent_is_restarted_after_a_failover_starts_its_stopped_server_read_only_and_rejoins()
    {
        var cluster = new SimCluster(new SimSettings(), seed: 35);
        cluster.RunFor(Settle);
        cluster.KillAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(6));
        var winner = Assert.Single(cluster.Promotions).Node;

        cluster.ResumeAgent(1);
        Assert.False(cluster.Node(1).Writable);
        cluster.RunFor(TimeSpan.FromSeconds(3));
        Assert.False(cluster.Node(1).Postgres.IsPrimary);
        Assert.Equal(winner, cluster.Node(1).Postgres.UpstreamId);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    /// <summary>
    /// A protocol hole, found by this simulation: an agent restarted beside its writable primary calls
    /// <see cref="FailoverNode.AssumeWritable"/>, which publishes a deadline one fence timeout after the restart, past the
    /// voters' promises when the primary is cut off. Node 1 cut off at 5.00 s, agent killed at 5.05 s, restarted at
    /// 6.05 s (before the switch's deadline, ~6.1 s), grace to 7.55 s; node 2 promoted at 6.75 s: both acknowledge commits
    /// (of every kind, the commit lease included) for 800 ms. The restarted agent must take the switch's last deadline
    /// as its grace, not extend it.
    /// </summary>
    [Fact]
    public void Primary_whose_agent_is_restarted_while_it_is_cut_off_does_not_outlive_the_voters_promises()
    {
        var cluster = new SimCluster(Settings(ReplicationMode.Async, commitLease: true), seed: 21);
        cluster.RunFor(Settle);
        cluster.Isolate(1);
        cluster.RunFor(TimeSpan.FromMilliseconds(50));
        cluster.KillAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(1));
        cluster.ResumeAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(5));

        Assert.Single(cluster.Promotions);
        FailoverScenarioTests.AssertSafe(cluster);
    }

    [Theory]
    [InlineData(AgentOutage.Dead)]
    [InlineData(AgentOutage.Frozen)]
    public void Standby_whose_agent_is_gone_does_not_fence_a_healthy_primary_while_a_majority_remains(AgentOutage outage)
    {
        var cluster = new SimCluster(new SimSettings(), seed: 36);
        cluster.RunFor(Settle);
        var streamed = cluster.Node(2).Postgres.Lsn;
        if (outage == AgentOutage.Dead)
        {
            cluster.KillAgent(2);
        }
        else
        {
            cluster.FreezeAgent(2);
        }

        cluster.RunFor(TimeSpan.FromSeconds(20));
        Assert.Empty(cluster.Promotions);
        Assert.Empty(cluster.SwitchStops);
        Assert.DoesNotContain(cluster.Log, line => line.Contains("node 1 fenced", StringComparison.Ordinal));
        Assert.Equal(1, cluster.WritablePrimary);
        Assert.True(cluster.Node(2).Postgres.Lsn > streamed); // its server still streams
        FailoverScenarioTests.AssertSafe(cluster);
    }

    /// <summary>Proof that the checker sees it: without the switch the old primary, whose agent is gone, acknowledges
    /// <c>synchronous_commit = local</c> commits beside the new one; the commit lease holds only the others.</summary>
    [Theory]
    [InlineData(ReplicationMode.Async, false)]
    [InlineData(ReplicationMode.Async, true)]
    [InlineData(ReplicationMode.Sync, false)]
    public void Without_the_switch_an_old_primary_whose_agent_is_gone_acknowledges_local_commits_beside_the_new_one(ReplicationMode mode, bool commitLease)
    {
        var cluster = new SimCluster(Settings(mode, commitLease) with { DeadManSwitch = false }, seed: 31);
        cluster.RunFor(Settle);
        cluster.KillAgent(1);
        cluster.RunFor(TimeSpan.FromSeconds(6));

        Assert.Single(cluster.Promotions);
        Assert.Contains(cluster.Violations, v => v.Contains("nodes 1, 2 all acknowledge synchronous_commit = local", StringComparison.Ordinal)
            || v.Contains("nodes 1, 3 all acknowledge synchronous_commit = local", StringComparison.Ordinal));
        if (commitLease)
        {
            Assert.DoesNotContain(cluster.Violations, v => v.Contains("are all writable", StringComparison.Ordinal));
        }
    }

    private static SimSettings Settings(ReplicationMode mode, bool commitLease) => new()
    {
        Options = new FailoverOptions { ReplicationMode = mode, CommitLease = commitLease },
    };
}
