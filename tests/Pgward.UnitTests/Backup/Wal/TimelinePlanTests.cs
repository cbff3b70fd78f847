using Pgward.Backup.Wal;
using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class TimelinePlanTests
{
    private const long Size = WalSegment.DefaultSize;

    [Fact]
    public void Same_timeline_streams_from_the_position_without_end()
    {
        var plan = TimelinePlan.Make(new StreamPosition(2, Lsn.Parse("0/5000000")), 2, History((1, "0/3000060")), Size);
        Assert.Null(plan.Problem);
        Assert.Equal([new TimelineLeg(2, Lsn.Parse("0/5000000"), null)], plan.Legs);
    }

    [Fact]
    public void After_a_promotion_the_old_timeline_is_finished_up_to_the_switch_point_then_the_new_one_starts_at_that_segment()
    {
        var plan = TimelinePlan.Make(new StreamPosition(1, Lsn.Parse("0/4000000")), 2, History((1, "0/4A00060")), Size);
        Assert.Equal(
            [new TimelineLeg(1, Lsn.Parse("0/4000000"), Lsn.Parse("0/4A00060")), new TimelineLeg(2, Lsn.Parse("0/4000000"), null)],
            plan.Legs);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Two_promotions_in_a_row_are_followed_leg_by_leg()
    {
        var plan = TimelinePlan.Make(new StreamPosition(1, Lsn.Parse("0/3000000")), 3, History((1, "0/3800000"), (2, "0/6000000")), Size);
        Assert.Equal(
        [
            new TimelineLeg(1, Lsn.Parse("0/3000000"), Lsn.Parse("0/3800000")),
            new TimelineLeg(2, Lsn.Parse("0/3000000"), Lsn.Parse("0/6000000")),
            new TimelineLeg(3, Lsn.Parse("0/6000000"), null),
        ], plan.Legs);
    }

    [Fact]
    public void Wal_archived_past_the_switch_point_is_warned_about_and_the_new_timeline_still_starts_at_the_switch_segment()
    {
        var plan = TimelinePlan.Make(new StreamPosition(1, Lsn.Parse("0/7000000")), 2, History((1, "0/4A00060")), Size);
        Assert.Equal([new TimelineLeg(2, Lsn.Parse("0/4000000"), null)], plan.Legs);
        Assert.Contains("past its switch point 0/4A00060", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_ahead_of_the_server_or_off_its_history_is_refused()
    {
        Assert.Contains("reached timeline 3", TimelinePlan.Make(new StreamPosition(3, Lsn.Parse("0/5000000")), 2, History((1, "0/3000000")), Size).Problem);
        Assert.Contains("not in the history", TimelinePlan.Make(new StreamPosition(2, Lsn.Parse("0/5000000")), 4, History((1, "0/3000000"), (3, "0/6000000")), Size).Problem);
    }

    private static IReadOnlyList<TimelineHistoryEntry> History(params (int Timeline, string SwitchPoint)[] entries) =>
        [.. entries.Select(e => new TimelineHistoryEntry(e.Timeline, Lsn.Parse(e.SwitchPoint), "no recovery target specified"))];
}
