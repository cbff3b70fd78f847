using Pgward.Testing.Chaos;
using Xunit;
using static Pgward.UnitTests.Chaos.Histories;

namespace Pgward.UnitTests.Chaos;

public sealed class TwoPrimaryIntervalsTests
{
    [Fact]
    public void Find_returns_nothing_for_an_empty_history() =>
        Assert.Empty(TwoPrimaryIntervals.Find([]));

    [Fact]
    public void Find_returns_nothing_for_one_node_acknowledging_everything() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 0.1), Ack(2, "a", 0.2, 0.3), Ack(3, "a", 0.4, 0.5)]));

    [Fact]
    public void Find_returns_nothing_for_a_failover_from_a_to_b() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 0.1), Ack(2, "a", 0.2, 0.3), Ack(3, "b", 5, 5.1, timeline: 2), Ack(4, "b", 5.2, 5.3, timeline: 2)]));

    [Fact]
    public void Find_returns_nothing_for_acks_of_two_nodes_that_never_overlap_even_on_one_timeline() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Ack(2, "b", 2, 3), Ack(3, "b", 4, 5)]));

    [Fact]
    public void Find_returns_one_interval_from_b_to_a_again_when_a_b_a_interleave()
    {
        var intervals = TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Ack(2, "b", 2, 3, timeline: 2), Ack(3, "a", 4, 5)]);

        var interval = Assert.Single(intervals);
        Assert.Equal((Seconds(3), Seconds(4)), (interval.Start, interval.End));
        Assert.Equal(new PrimaryEra("a", 1), interval.First);
        Assert.Equal(new PrimaryEra("b", 2), interval.Second);
    }

    [Fact]
    public void Find_counts_an_old_primary_taking_local_commits_beside_a_new_one_and_names_the_settings()
    {
        // Issue 13: the old primary's agent gone, its synchronous_commit = on writes held, its local and off ones taken.
        var intervals = TwoPrimaryIntervals.Find(
        [
            Ack(1, "a", 0, 1),
            Ack(2, "b", 2, 3, timeline: 2),
            Ack(3, "a", 4, 5, commit: SynchronousCommit.Local),
            Ack(4, "a", 4.5, 5.5, client: 2, commit: SynchronousCommit.Off),
        ]);

        var interval = Assert.Single(intervals);
        Assert.Equal((Seconds(3), Seconds(4)), (interval.Start, interval.End));
        // The off write came after the interval's end (a's first write certainly after b's): not its evidence.
        Assert.Equal([SynchronousCommit.On, SynchronousCommit.Local], interval.Commits);
        Assert.EndsWith("a (timeline 1) and b (timeline 2), synchronous_commit on/local", interval.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_returns_nothing_when_a_returns_on_a_higher_timeline_after_two_failovers() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Ack(2, "b", 2, 3, timeline: 2), Ack(3, "a", 4, 5, timeline: 3)]));

    [Fact]
    public void Find_reports_an_old_primary_taking_writes_again_on_its_old_timeline_after_a_failover() =>
        Assert.Single(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Ack(2, "b", 2, 3, timeline: 2), Ack(3, "b", 4, 5, timeline: 2), Ack(4, "a", 9, 10)]));

    [Fact]
    public void Find_returns_nothing_for_a_primary_restarted_in_place_on_its_timeline() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Failed(2, 1, 8), Ack(3, "a", 9, 10)]));

    [Fact]
    public void Find_returns_nothing_when_the_order_is_uncertain_because_the_windows_overlap() =>
        // b's write may have committed before a's first or after a's last: no certain interleaving.
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 2.5), Ack(2, "b", 2, 3, timeline: 2), Ack(3, "a", 2.8, 5)]));

    [Fact]
    public void Find_merges_two_nodes_taking_writes_throughout_into_one_interval()
    {
        var writes = Enumerable.Range(0, 10).Select(i => Ack(i, "a", i, i + 0.1))
            .Concat(Enumerable.Range(0, 5).Select(i => Ack(100 + i, "b", 3.5 + i, 3.6 + i, timeline: 2)));

        var interval = Assert.Single(TwoPrimaryIntervals.Find(writes));

        // b's last write ended at 7.6 s; a's first write certainly after it started at 8 s. From then on a wrote alone.
        Assert.Equal((Seconds(3.6), Seconds(8)), (interval.Start, interval.End));
    }

    [Fact]
    public void Find_ends_the_interval_at_the_hosts_first_write_after_the_intruders_last_not_at_the_hosts_last_write()
    {
        // A thawed old primary b acknowledges one write at 2 s while a is primary; a goes on alone for a minute.
        var writes = Enumerable.Range(0, 60).Select(i => Ack(i, "a", i, i + 0.1, timeline: 2))
            .Append(Ack(100, "b", 1.5, 1.6));

        var interval = Assert.Single(TwoPrimaryIntervals.Find(writes));

        Assert.Equal((Seconds(1.6), Seconds(2)), (interval.Start, interval.End));
    }

    [Fact]
    public void Find_returns_one_interval_per_pair_when_three_primaries_interleave()
    {
        var intervals = TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Ack(2, "b", 2, 3), Ack(3, "c", 4, 5), Ack(4, "a", 6, 7)]);

        Assert.Equal(2, intervals.Count);
        Assert.Equal(["b", "c"], intervals.Select(i => i.Second.Node));
    }

    [Fact]
    public void Find_ignores_failed_and_unknown_writes() =>
        Assert.Empty(TwoPrimaryIntervals.Find([Ack(1, "a", 0, 1), Unknown(2, 2, 3), Failed(3, 2, 3), Ack(4, "a", 4, 5)]));
}
