using Pgward.Testing.Chaos;
using Xunit;
using static Pgward.UnitTests.Chaos.Histories;

namespace Pgward.UnitTests.Chaos;

public sealed class ChaosCheckerTests
{
    [Fact]
    public void Check_passes_an_empty_run()
    {
        var verdict = ChaosChecker.Check(ChaosHistory.Empty, "a", [Rows("a")]);

        Assert.True(verdict.Passed(lossAllowed: false));
        Assert.Equal(0, verdict.Attempted);
        Assert.Empty(verdict.AcknowledgingNodes);
        Assert.Equal(TimeSpan.Zero, verdict.LongestAcknowledgementGap);
    }

    [Fact]
    public void Check_passes_a_failover_with_every_acknowledged_write_on_the_new_primary()
    {
        var history = Of(Ack(1, "a", 0, 0.1), Ack(2, "a", 0.2, 0.3), Failed(3, 1, 1.1), Ack(4, "b", 3, 3.1, timeline: 2));

        var verdict = ChaosChecker.Check(history, "b", [Rows("b", 1, 2, 4), Rows("c", 1, 2, 4)]);

        Assert.Empty(verdict.Problems(lossAllowed: false));
        Assert.Equal(["a", "b"], verdict.AcknowledgingNodes);
        Assert.Equal((4, 3, 1), (verdict.Attempted, verdict.Acknowledged, verdict.Failed));
        Assert.Equal(TimeSpan.FromSeconds(2.8), verdict.LongestAcknowledgementGap);
    }

    [Fact]
    public void Check_reports_acknowledged_writes_missing_from_the_final_primary_as_lost()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 2), Ack(3, "b", 5, 6, timeline: 2)), "b", [Rows("b", 1, 3)]);

        Assert.Equal([2L], verdict.Lost);
        Assert.Contains(verdict.Problems(lossAllowed: false), p => p.StartsWith("1 acknowledged writes lost: 2", StringComparison.Ordinal));
        Assert.Empty(verdict.Problems(lossAllowed: true));
    }

    [Fact]
    public void Check_counts_a_lost_write_acknowledged_after_a_cancelled_synchronous_wait_apart_from_the_lost()
    {
        // old-primary-returns:sync seed 6: the client's command timeout cancelled the commit's wait while the primary
        // was frozen, and on the thaw PostgreSQL answered success with its warning before the agent fenced the server.
        const string warning = "canceling wait for synchronous replication due to user request";
        var history = Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 5) with { Warning = warning }, Ack(3, "b", 5, 6, timeline: 2));

        var verdict = ChaosChecker.Check(history, "b", [Rows("b", 1, 3)]);

        Assert.Empty(verdict.Lost);
        Assert.Equal([2L], verdict.LostAfterCancelledSyncWait);
        Assert.True(verdict.Passed(lossAllowed: false));
    }

    [Fact]
    public void Check_counts_lost_local_and_off_commits_apart_from_the_lost_and_still_finds_two_primaries_in_them()
    {
        var history = Of(
            Ack(1, "a", 0, 1),
            Ack(2, "b", 2, 3, timeline: 2),
            Ack(3, "a", 4, 5, commit: SynchronousCommit.Local),
            Ack(4, "a", 5, 6, commit: SynchronousCommit.Off));

        var verdict = ChaosChecker.Check(history, "b", [Rows("b", 1, 2)]);

        Assert.Empty(verdict.Lost);
        Assert.Equal([3L, 4L], verdict.LostLocalCommits);
        Assert.Equal(new Dictionary<string, int> { ["on"] = 2, ["local"] = 1, ["off"] = 1 }, verdict.AcknowledgedBySetting);
        Assert.Single(verdict.TwoPrimaryIntervals);
        var problem = Assert.Single(verdict.Problems(lossAllowed: false));
        Assert.StartsWith("1 two-primary intervals: [3.000 s, 4.000 s] a (timeline 1) and b (timeline 2), synchronous_commit on/local", problem,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Check_takes_no_row_of_a_local_commit_seen_on_a_standby_then_lost_for_a_violation()
    {
        var history = new ChaosHistory([Ack(1, "a", 0, 1, commit: SynchronousCommit.Local)],
            [new ReadObservation(1, Seconds(1.5), "c", FromStandby: true, [1])]);

        var verdict = ChaosChecker.Check(history, "b", [Rows("b")]);

        Assert.False(Assert.Single(verdict.LostReads).Violation);
        Assert.True(verdict.Passed(lossAllowed: false));
    }

    [Fact]
    public void Check_counts_a_lost_write_whose_warning_is_not_about_the_synchronous_wait_as_lost()
    {
        var history = Of(Ack(1, "a", 0, 1) with { Warning = "there is no transaction in progress" });

        var verdict = ChaosChecker.Check(history, "a", [Rows("a")]);

        Assert.Equal([1L], verdict.Lost);
        Assert.Empty(verdict.LostAfterCancelledSyncWait);
    }

    [Fact]
    public void Check_reports_an_id_present_twice_on_a_node_as_duplicated()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 2)), "a", [Rows("a", 1, 2, 2), Rows("b", 1, 1, 1, 2)]);

        Assert.Equal([new RowOnNode("a", 2, 2), new RowOnNode("b", 1, 3)], verdict.Duplicated);
        Assert.False(verdict.Passed(lossAllowed: true));
    }

    [Fact]
    public void Check_reports_ids_nobody_tried_to_write_as_phantom()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1)), "a", [Rows("a", 1, 77), Rows("b", 1, 77, 78)]);

        Assert.Equal([new RowOnNode("a", 77), new RowOnNode("b", 77), new RowOnNode("b", 78)], verdict.Phantom);
        Assert.False(verdict.Passed(lossAllowed: true));
    }

    [Fact]
    public void Check_counts_unknown_writes_that_landed_and_that_did_not_and_allows_both()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1), Unknown(2, 1, 3), Unknown(3, 1, 3), Unknown(4, 1, 3)), "a", [Rows("a", 1, 3)]);

        Assert.Equal((1, 2, 3), (verdict.UnknownLanded, verdict.UnknownMissing, verdict.Unknown));
        Assert.True(verdict.Passed(lossAllowed: false));
    }

    [Fact]
    public void Check_reports_a_failed_write_found_on_the_primary()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1), Failed(2, 1, 2)), "a", [Rows("a", 1, 2)]);

        Assert.Equal([2L], verdict.FailedButPresent);
        Assert.False(verdict.Passed(lossAllowed: true));
    }

    [Fact]
    public void Check_reports_two_primary_intervals()
    {
        var history = Of(Ack(1, "a", 0, 1), Ack(2, "b", 2, 3), Ack(3, "a", 4, 5));

        var verdict = ChaosChecker.Check(history, "a", [Rows("a", 1, 3), Rows("b", 1, 3)]);

        Assert.Single(verdict.TwoPrimaryIntervals);
        Assert.Contains(verdict.Problems(lossAllowed: true), p => p.StartsWith("1 two-primary intervals: [3.000 s, 4.000 s] a", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_takes_no_write_acknowledged_after_a_cancelled_synchronous_wait_for_a_second_primary()
    {
        // The primary's agent killed, its commits held by the commit lease: a client's command timeout cancels the
        // wait and PostgreSQL answers success with its warning while another node is already the primary.
        const string warning = "canceling wait for synchronous replication due to user request";
        var history = Of(Ack(1, "a", 0, 1), Ack(2, "b", 2, 3, timeline: 2), Ack(3, "a", 3.5, 5.5) with { Warning = warning }, Ack(4, "b", 6, 7, timeline: 2));

        var verdict = ChaosChecker.Check(history, "b", [Rows("b", 1, 2, 4)]);

        Assert.Empty(verdict.TwoPrimaryIntervals);
        Assert.Equal([3L], verdict.LostAfterCancelledSyncWait);
        Assert.True(verdict.Passed(lossAllowed: false));
    }

    [Fact]
    public void Check_reports_a_row_a_reader_saw_that_the_final_primary_does_not_hold()
    {
        var history = new ChaosHistory([Ack(1, "a", 0, 1), Unknown(2, 1, 2)],
            [new ReadObservation(1, Seconds(1.5), "b", FromStandby: true, [1]), new ReadObservation(1, Seconds(2.5), "b", FromStandby: true, [2])]);

        var verdict = ChaosChecker.Check(history, "c", [Rows("c", 1), Rows("b", 1)]);

        Assert.Equal([new LostRead(2, "b", true, Seconds(2.5), Unconfirmed: true)], verdict.LostReads);
        Assert.False(verdict.Passed(lossAllowed: false));
        Assert.True(verdict.Passed(lossAllowed: true));
    }

    [Fact]
    public void Check_allows_a_row_read_on_a_replaced_primary_whose_write_was_never_cleanly_acknowledged()
    {
        // old-primary-returns:sync seed 104: the thawed old primary showed its locally committed (warned) row to the
        // reader before its agent fenced it; PostgreSQL shows a commit before any standby holds it.
        const string warning = "canceling wait for synchronous replication due to user request";
        var history = new ChaosHistory([Ack(1, "a", 0, 1), Ack(2, "a", 1, 5) with { Warning = warning }, Ack(3, "a", 5, 6)],
            [new ReadObservation(1, Seconds(5.5), "a", FromStandby: false, [2]), new ReadObservation(1, Seconds(5.6), "a", FromStandby: false, [3])]);

        var verdict = ChaosChecker.Check(history, "b", [Rows("b", 1)]);

        Assert.Equal([new LostRead(2, "a", false, Seconds(5.5), Unconfirmed: true), new LostRead(3, "a", false, Seconds(5.6))], verdict.LostReads);
        var problems = verdict.Problems(lossAllowed: false);
        Assert.Contains(problems, p => p == "1 rows seen by a reader then lost: 3 on a (primary) at 5.600 s");
        Assert.DoesNotContain(problems, p => p.Contains("2 on a", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_reports_a_node_whose_final_rows_differ_from_the_primary()
    {
        var verdict = ChaosChecker.Check(Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 2), Unknown(3, 2, 3)), "a",
            [Rows("a", 1, 2), Rows("b", 1, 2), Rows("c", 1, 3)]);

        var divergent = Assert.Single(verdict.Divergent);
        Assert.Equal(("c", 1, 1), (divergent.Node, divergent.MissingCount, divergent.ExtraCount));
        Assert.Equal([2L], divergent.Missing);
        Assert.Equal([3L], divergent.Extra);
        Assert.Contains(verdict.Problems(lossAllowed: true), p => p.StartsWith("c differs from primary a: 1 missing (2), 1 extra (3)", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_refuses_final_rows_without_the_primary()
    {
        var error = Assert.Throws<ArgumentException>(() => ChaosChecker.Check(ChaosHistory.Empty, "a", [Rows("b")]));

        Assert.Contains("no final rows for the primary 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstAcknowledgedAfter_finds_when_writes_resumed_on_another_node()
    {
        var history = Of(Ack(1, "a", 0, 1), Ack(2, "a", 2, 3), Failed(3, 3, 4), Ack(4, "b", 6, 6.5, timeline: 2), Ack(5, "b", 7, 7.5, timeline: 2));

        Assert.Equal(4, history.FirstAcknowledgedAfter(Seconds(2.5), exceptNode: "a")?.Id);
        Assert.Null(history.FirstAcknowledgedAfter(Seconds(8)));
    }
}
