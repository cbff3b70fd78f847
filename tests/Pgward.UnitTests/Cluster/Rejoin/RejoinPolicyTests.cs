using Pgward.Cluster.Rejoin;
using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Rejoin;

public sealed class RejoinPolicyTests
{
    private static readonly ControlData CleanPrimary = new(42, "shut down", Lsn.Parse("0/6000028"), 1, WalLogHints: true, DataChecksumVersion: 0);
    private static readonly RewindProbe Diverged = RewindProbe.Parse(true, "pg_rewind: servers diverged at WAL location 0/5000000 on timeline 1");
    private static readonly RewindProbe NotNeeded = RewindProbe.Parse(true, "pg_rewind: no rewind required");

    private static RejoinVerdict Decide(ControlData local, RewindProbe probe, bool force = false, bool reclone = false, ulong primarySystem = 42) =>
        RejoinPolicy.Decide(new RejoinFacts(local, 2, primarySystem, 2, probe, force, reclone));

    [Fact]
    public void Decide_refuses_with_force_rewind_hint_when_timeline_forked_and_force_rewind_not_given()
    {
        var refuse = Assert.IsType<RejoinVerdict.Refuse>(Decide(CleanPrimary, Diverged));

        Assert.Equal("this node cannot attach to rejoin target node 2", refuse.Reason);
        Assert.Equal("rejoin target server's timeline 2 forked off current database system timeline 1 at 0/5000000 before current recovery point 0/6000028", refuse.Detail);
        Assert.Equal("use --force-rewind to execute pg_rewind", refuse.Hint);
    }

    [Fact]
    public void Decide_rewinds_when_timeline_forked_and_force_rewind_given() =>
        Assert.IsType<RejoinVerdict.Rewind>(Decide(CleanPrimary, Diverged, force: true));

    [Fact]
    public void Decide_reclones_when_timeline_forked_and_only_reclone_given() =>
        Assert.IsType<RejoinVerdict.Reclone>(Decide(CleanPrimary, Diverged, reclone: true));

    [Fact]
    public void Decide_attaches_without_rewind_when_pg_rewind_finds_none_required_after_clean_shutdown() =>
        Assert.IsType<RejoinVerdict.NoRewind>(Decide(CleanPrimary, NotNeeded, force: true));

    [Fact]
    public void Decide_treats_a_crashed_node_as_diverged_even_when_dry_run_cannot_tell()
    {
        var crashed = CleanPrimary with { ClusterState = "in production" };
        var probe = RewindProbe.Parse(false, "pg_rewind: error: target server must be shut down cleanly");

        var refuse = Assert.IsType<RejoinVerdict.Refuse>(Decide(crashed, probe));
        Assert.Contains("not shut down cleanly", refuse.Detail, StringComparison.Ordinal);
        Assert.IsType<RejoinVerdict.Rewind>(Decide(crashed, probe, force: true));
        Assert.IsType<RejoinVerdict.Rewind>(Decide(crashed, NotNeeded, force: true));
    }

    [Fact]
    public void Decide_refuses_with_reclone_hint_when_neither_wal_log_hints_nor_checksums()
    {
        var noHints = CleanPrimary with { WalLogHints = false, DataChecksumVersion = 0 };

        var refuse = Assert.IsType<RejoinVerdict.Refuse>(Decide(noHints, Diverged, force: true));
        Assert.Contains("neither \"wal_log_hints\" nor data checksums", refuse.Reason, StringComparison.Ordinal);
        Assert.Equal(RejoinPolicy.RecloneHint, refuse.Hint);
        Assert.IsType<RejoinVerdict.Reclone>(Decide(noHints, Diverged, force: true, reclone: true));
    }

    [Fact]
    public void Decide_refuses_with_reclone_hint_when_pg_rewind_misses_wal()
    {
        var probe = RewindProbe.Parse(false, "pg_rewind: error: could not find previous WAL record at 0/3000060");

        var refuse = Assert.IsType<RejoinVerdict.Refuse>(Decide(CleanPrimary, probe, force: true));
        Assert.Equal(RejoinPolicy.RecloneHint, refuse.Hint);
        Assert.IsType<RejoinVerdict.Reclone>(Decide(CleanPrimary, probe, force: true, reclone: true));
    }

    [Fact]
    public void Decide_refuses_even_with_reclone_when_system_identifiers_differ()
    {
        var refuse = Assert.IsType<RejoinVerdict.Refuse>(Decide(CleanPrimary, Diverged, force: true, reclone: true, primarySystem: 7));

        Assert.Equal("local and rejoin target system identifiers do not match", refuse.Reason);
    }

    [Fact]
    public void A_switchover_target_that_received_the_shutdown_checkpoint_before_its_promotion_needs_no_rewind_checks()
    {
        var received = new ShutdownReceived(2, Lsn.Parse("0/6000028"));

        var verdict = Assert.IsType<RejoinVerdict.NoRewind>(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 2, 42, 2, received));
        Assert.Equal("rejoin target node 2 received this node's shutdown checkpoint 0/6000028 before its promotion to timeline 2: this node can attach as it is",
            verdict.Reason);
    }

    [Fact]
    public void Rewind_checks_run_unless_every_fact_of_the_switchover_holds()
    {
        var received = new ShutdownReceived(2, Lsn.Parse("0/6000028"));

        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 2, 42, 2, received: null));
        // Another node is the primary now (elected while the switchover ran): it never promised anything.
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 3, 42, 2, received));
        // Started and stopped again since (another checkpoint), or crashed: its WAL may reach past the fork.
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary with { CheckpointLocation = Lsn.Parse("0/7000028") }, 2, 42, 2, received));
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary with { ClusterState = "in production" }, 2, 42, 2, received));
        // Another cluster, or a target that moved on by more than the one promotion.
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 2, 43, 2, received));
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 2, 42, 3, received));
        Assert.Null(RejoinPolicy.ReceivedBeforePromotion(CleanPrimary, 2, 42, 1, received));
    }

    /// <summary>The node of ConfigDirectoryTests (CI run at 69d0907): promoted at 0/50097E0 to timeline 2, killed before
    /// its first checkpoint there; the new primary's timeline 3 branched off timeline 2 where the node's WAL ends.</summary>
    private static readonly ControlData Recovered = new(1, "shut down in recovery", Lsn.Parse("0/5009768"), 1, true, 1,
        Lsn.Parse("0/500ABB8"), 2);

    private static readonly TimelineHistoryEntry[] PrimaryHistory =
        [new(1, Lsn.Parse("0/50097E0"), "no recovery target specified"), new(2, Lsn.Parse("0/500ABB8"), "no recovery target specified")];

    [Fact]
    public void After_crash_recovery_a_node_whose_WAL_ends_where_the_primary_branched_attaches_without_pg_rewind()
    {
        var verdict = Assert.IsType<RejoinVerdict.NoRewind>(RejoinPolicy.AfterCrashRecovery(Recovered, 3, PrimaryHistory));

        Assert.Equal("this node's WAL ends at 0/500ABB8 on timeline 2, after its last checkpoint 0/5009768 on timeline 1, "
            + "where the primary's history on timeline 3 goes on: nothing to rewind", verdict.Reason);
    }

    [Fact]
    public void After_crash_recovery_a_node_with_WAL_past_the_branch_on_a_timeline_newer_than_its_checkpoint_is_refused_with_the_reclone_hint()
    {
        var verdict = Assert.IsType<RejoinVerdict.Refuse>(
            RejoinPolicy.AfterCrashRecovery(Recovered with { MinRecoveryPoint = Lsn.Parse("0/500AC30") }, 3, PrimaryHistory));

        Assert.Equal("pg_rewind cannot rewind this node: it crashed before its first checkpoint on the timeline its WAL ends on", verdict.Reason);
        Assert.Contains("before current recovery point 0/500AC30", verdict.Detail, StringComparison.Ordinal);
        Assert.Equal(RejoinPolicy.RecloneHint, verdict.Hint);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 0)]
    public void After_crash_recovery_pg_rewind_judges_a_node_whose_WAL_ends_on_its_checkpoints_timeline(int checkpointTimeline, int minRecoveryTimeline) =>
        Assert.Null(RejoinPolicy.AfterCrashRecovery(Recovered with { CheckpointTimeline = checkpointTimeline, MinRecoveryTimeline = minRecoveryTimeline },
            3, PrimaryHistory));
}
