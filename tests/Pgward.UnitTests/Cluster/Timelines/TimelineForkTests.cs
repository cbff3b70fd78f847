using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Timelines;

public sealed class TimelineForkTests
{
    private static readonly IReadOnlyList<TimelineHistoryEntry> Timeline2History =
        [new TimelineHistoryEntry(1, Lsn.Parse("0/6000000"), "no recovery target specified")];

    private static readonly IReadOnlyList<TimelineHistoryEntry> Timeline3History =
    [
        new TimelineHistoryEntry(1, Lsn.Parse("0/6000000"), "no recovery target specified"),
        new TimelineHistoryEntry(2, Lsn.Parse("0/8000000"), "no recovery target specified"),
    ];

    [Fact]
    public void CanFollow_allows_same_timeline() =>
        Assert.True(TimelineFork.CanFollow(1, Lsn.Parse("0/9000000"), 1, []).CanFollow);

    [Theory]
    [InlineData("0/5000000")]
    [InlineData("0/6000000")]
    public void CanFollow_allows_newer_timeline_when_standby_is_not_past_the_switch_point(string localLsn) =>
        Assert.Equal(FollowVerdict.Yes, TimelineFork.CanFollow(1, Lsn.Parse(localLsn), 2, Timeline2History));

    [Fact]
    public void CanFollow_allows_timeline_two_steps_ahead_when_branch_point_is_after_local_position() =>
        Assert.True(TimelineFork.CanFollow(2, Lsn.Parse("0/7000000"), 3, Timeline3History).CanFollow);

    [Fact]
    public void CanFollow_refuses_with_rejoin_hint_when_upstream_forked_before_local_position()
    {
        var verdict = TimelineFork.CanFollow(1, Lsn.Parse("0/6000028"), 2, Timeline2History);

        Assert.False(verdict.CanFollow);
        Assert.Equal(
            "rejoin target server's timeline 2 forked off current database system timeline 1 before current recovery point 0/6000028",
            verdict.Reason);
    }

    [Fact]
    public void CanFollow_refuses_when_upstream_is_on_older_timeline()
    {
        var verdict = TimelineFork.CanFollow(2, Lsn.Parse("0/7000000"), 1, []);

        Assert.False(verdict.CanFollow);
        Assert.Contains("older than current database system timeline 2", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CanFollow_refuses_when_local_timeline_is_not_in_upstream_history()
    {
        // Local timeline 2 is a sibling branch: the upstream's timeline 3 came from timeline 1 directly.
        IReadOnlyList<TimelineHistoryEntry> history = [new TimelineHistoryEntry(1, Lsn.Parse("0/6000000"), "")];

        var verdict = TimelineFork.CanFollow(2, Lsn.Parse("0/6000000"), 3, history);

        Assert.False(verdict.CanFollow);
        Assert.Contains("timeline 2 is not in the history of upstream server's timeline 3", verdict.Reason, StringComparison.Ordinal);
    }
}
