using Pgward.Agent.Failover;
using Pgward.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Metrics;

public sealed class FailoverCountsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-05T12:00:00Z");

    private static FailoverStatus Status(long term, ElectionPhase phase = ElectionPhase.None, DateTimeOffset? lastHeard = null, bool leader = false) =>
        new(term, PrimaryId: 1, IsLeader: leader, Fenced: false, Paused: false, phase, lastHeard ?? T0, LastRefusal: null);

    [Fact]
    public void A_vote_round_is_an_election_once_per_term_and_a_pre_vote_is_none()
    {
        Assert.False(FailoverCounts.StartsElection(Status(1), Status(1, ElectionPhase.PreVote)));
        Assert.True(FailoverCounts.StartsElection(Status(1, ElectionPhase.PreVote), Status(2, ElectionPhase.Vote)));
        Assert.False(FailoverCounts.StartsElection(Status(2, ElectionPhase.Vote), Status(2, ElectionPhase.Vote)));
        Assert.True(FailoverCounts.StartsElection(Status(2, ElectionPhase.Vote), Status(3, ElectionPhase.Vote)));
        Assert.True(FailoverCounts.StartsElection(null, Status(2, ElectionPhase.Vote)));
    }

    [Fact]
    public void A_failover_lasts_from_the_last_heartbeat_heard_to_the_end_of_the_promotion()
    {
        var counts = new FailoverCounts();
        counts.Handled(Status(1), Status(1, lastHeard: T0), heartbeat: true, T0);
        // A message that is no heartbeat, and a heartbeat refused (LastHeard unchanged), do not move it.
        counts.Handled(Status(1), Status(1, lastHeard: T0), heartbeat: false, T0.AddSeconds(1));
        counts.Handled(Status(1), Status(1, lastHeard: T0), heartbeat: true, T0.AddSeconds(1.5));
        counts.Handled(Status(1), Status(2, ElectionPhase.Vote), heartbeat: false, T0.AddSeconds(1.8));

        counts.Promoted(onRequest: false, requestedAt: T0.AddSeconds(1.9), now: T0.AddSeconds(2.3));

        var snapshot = counts.Snapshot();
        Assert.Equal(1, snapshot.Elections);
        Assert.Equal(1, snapshot.FailoverPromotions);
        Assert.Equal(0, snapshot.SwitchoverPromotions);
        Assert.Equal(2.3, snapshot.LastFailoverSeconds!.Value, 6);
        Assert.Null(snapshot.LastSwitchoverSeconds);
        Assert.Null(snapshot.LastHeartbeat);
    }

    [Fact]
    public void A_promotion_on_request_without_a_heartbeat_heard_is_measured_from_the_request()
    {
        var counts = new FailoverCounts();

        counts.Promoted(onRequest: true, requestedAt: T0, now: T0.AddSeconds(0.3));

        var snapshot = counts.Snapshot();
        Assert.Equal(1, snapshot.SwitchoverPromotions);
        Assert.Equal(0.3, snapshot.LastSwitchoverSeconds!.Value, 6);
    }

    [Fact]
    public void A_leader_does_not_count_heartbeats_as_heard_from_a_primary()
    {
        var counts = new FailoverCounts();

        counts.Handled(Status(1, leader: true), Status(1, lastHeard: T0, leader: true), heartbeat: true, T0);

        Assert.Null(counts.Snapshot().LastHeartbeat);
    }
}
