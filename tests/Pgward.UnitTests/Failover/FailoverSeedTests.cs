using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Seeds of the randomized runs that once failed, kept as named tests.</summary>
public sealed class FailoverSeedTests
{
    /// <summary>Two standbys with equal WAL both won their pre-votes and split the vote; failover took 4.4 s.
    /// Fixed by the pre-vote window and deferring to a candidate that takes precedence.</summary>
    [Fact]
    public void Seed_27_equal_standbys_do_not_split_the_vote() =>
        Assert.Empty(FailoverRandomizedTests.BenignCrash(27));

    /// <summary>Found in a 5,000-seed sweep. Sync mode, 3 data nodes: the fenced old primary's WAL reached
    /// node 2 after node 2 had voted for node 3 (their link healed in between), so at the promotion node 2 held
    /// more than the winner. No acknowledged commit was lost: the checker was wrong, not the protocol. It now
    /// compares with what a majority held at the last instant a primary was writable.</summary>
    [Fact]
    public void Seed_849_WAL_a_voter_receives_after_its_vote_from_the_fenced_primary_is_not_held_against_the_winner()
    {
        var cluster = ChaosRun.Run(849);
        FailoverScenarioTests.AssertSafe(cluster);
        Assert.NotEmpty(cluster.Promotions);
    }

    /// <summary>Sync mode with a priority-0 standby that flushed the last acknowledged commits: it granted its
    /// vote to a candidate behind it, and acknowledged commits were lost. In sync mode a standby that may
    /// never stand still refuses candidates behind it. (4056 and 4632 failed only while the simulation also put
    /// a standby on its new upstream's timeline before it had received past the fork point.)</summary>
    [Theory]
    [InlineData(34, 0.05)]
    [InlineData(398, 0.05)]
    [InlineData(1357, 0.05)]
    [InlineData(2808, 0.09)]
    [InlineData(4056, 0.09)]
    [InlineData(4632, 0.09)]
    public void Seeds_where_a_priority_0_sync_standby_held_the_last_acknowledged_commits(int seed, double drift) =>
        FailoverScenarioTests.AssertSafe(ChaosRun.Run(seed, drift));

    [Theory]
    [InlineData(54)]
    [InlineData(79)]
    [InlineData(111)]
    [InlineData(123)]
    [InlineData(138)]
    [InlineData(140)]
    [InlineData(155)]
    [InlineData(178)]
    public void Seeds_that_once_split_the_vote_fail_over_within_four_seconds(int seed) =>
        Assert.Empty(FailoverRandomizedTests.BenignCrash(seed));

    /// <summary>Found in a 10,000-seed sweep (seeds 3001-13000): a candidate whose host froze mid-round resumed with its
    /// vote replies queued and counted them before its first tick, long after its round's end; its voters had elected
    /// another since, and it promoted itself in an old term, behind commits acknowledged in the newer one. A reply
    /// after the round's end now loses the round.</summary>
    [Theory]
    [InlineData(3363, false)]
    [InlineData(11098, false)]
    [InlineData(12423, false)]
    [InlineData(7044, true)]
    [InlineData(12494, true)]
    public void Seeds_where_a_candidate_frozen_mid_round_won_with_stale_votes_on_resuming(int seed, bool agentOutages) =>
        FailoverScenarioTests.AssertSafe(ChaosRun.Run(seed, 0.05, agentOutages: agentOutages));
}
