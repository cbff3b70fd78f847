using System.Globalization;
using Pgward.Cluster.Timelines;

namespace Pgward.Cluster.Rejoin;

/// <summary>Decides how a stopped node rejoins the primary. Pure: no files, processes or connections.</summary>
public static class RejoinPolicy
{
    public const string RecloneHint = "use --reclone to clone this node afresh from the primary";

    public static RejoinVerdict Decide(RejoinFacts facts)
    {
        var local = facts.Local;
        if (local.SystemIdentifier != facts.PrimarySystemIdentifier)
        {
            // A data directory of another cluster: never rewound, and never wiped by --reclone on a guess.
            return new RejoinVerdict.Refuse("local and rejoin target system identifiers do not match",
                Invariant($"local system identifier is {local.SystemIdentifier}, rejoin target's is {facts.PrimarySystemIdentifier}"),
                "-d must reach a node of the replication cluster this node belongs to");
        }
        if (!local.RewindPossible || facts.Probe.Result == RewindProbeResult.NoHints)
        {
            return CannotRewind(facts, "pg_rewind cannot be used on this node: neither \"wal_log_hints\" nor data checksums are enabled",
                "pg_rewind needs one of them to find the pages changed after the fork; they must have been on before it");
        }
        switch (facts.Probe.Result)
        {
            case RewindProbeResult.MissingWal:
                return CannotRewind(facts, "pg_rewind cannot rewind this node: WAL it needs is no longer in its pg_wal",
                    facts.Probe.Message);
            case RewindProbeResult.NotShutDownCleanly when local.ShutDownCleanly:
            case RewindProbeResult.Failed:
                return new RejoinVerdict.Refuse("pg_rewind --dry-run failed", facts.Probe.Message,
                    "check that the rejoin target accepts the connection pg_rewind makes as a superuser");
            case RewindProbeResult.NoRewindRequired when local.ShutDownCleanly:
                return new RejoinVerdict.NoRewind("pg_rewind reports no rewind required: this node can attach as it is");
        }
        return Diverged(facts);
    }

    /// <summary>
    /// A switchover's rejoin: the target received this node's whole shutdown checkpoint record before it was promoted
    /// (<paramref name="received"/>), and this node has written nothing since (shut down cleanly at that very
    /// checkpoint). Its WAL then ends at or before the point where the target's new timeline begins, so it attaches as
    /// it is, which is what <c>pg_rewind --dry-run</c> would say after a checkpoint on the target; both are skipped (about
    /// 120 ms of the switchover). Null when any fact differs (another target, another checkpoint, a timeline other than
    /// the one promotion made): then the usual checks decide.
    /// </summary>
    public static RejoinVerdict.NoRewind? ReceivedBeforePromotion(
        ControlData local, int targetNodeId, ulong targetSystemIdentifier, int targetTimeline, ShutdownReceived? received)
    {
        if (received is null || received.NodeId != targetNodeId || !local.ShutDownCleanly
            || local.CheckpointLocation != received.Checkpoint || local.SystemIdentifier != targetSystemIdentifier
            || targetTimeline != local.CheckpointTimeline + 1)
        {
            return null;
        }
        return new RejoinVerdict.NoRewind(Invariant(
            $"rejoin target node {targetNodeId} received this node's shutdown checkpoint {received.Checkpoint} before its promotion to timeline {targetTimeline}: this node can attach as it is"));
    }

    /// <summary>
    /// A node that crashed holding <c>standby.signal</c> was started read-only to finish its crash recovery, and stopped
    /// once it had replayed all of its WAL (<see cref="RejoinSteps"/>). When that WAL crossed a timeline switch after the
    /// node's last checkpoint (a primary that died before the first checkpoint after its promotion), pg_control still
    /// names the checkpoint's timeline, and PostgreSQL 15's pg_rewind reads the node's history from there: it looks for
    /// the fork on the older timeline and fails ("could not find previous WAL record"). pgward then judges the node
    /// itself, as <c>standby follow</c> does, from where its WAL ends and the primary's history: WAL that ends at or
    /// before the point where the primary's timeline branched off needs no rewind; WAL beyond it needs one this pg_rewind
    /// cannot make. Null when pg_rewind can judge (the node's WAL ends on its checkpoint's timeline).
    /// </summary>
    /// <param name="local">The node's control data after the recovery: shut down in recovery.</param>
    /// <param name="primaryTimeline">The primary's current timeline.</param>
    /// <param name="primaryHistory">Its history file (empty on timeline 1).</param>
    public static RejoinVerdict? AfterCrashRecovery(ControlData local, int primaryTimeline, IReadOnlyList<TimelineHistoryEntry> primaryHistory)
    {
        if (local.MinRecoveryTimeline <= local.CheckpointTimeline)
        {
            return null;
        }
        var end = Invariant($"this node's WAL ends at {local.MinRecoveryPoint} on timeline {local.MinRecoveryTimeline}, after its last checkpoint {local.CheckpointLocation} on timeline {local.CheckpointTimeline}");
        var follow = TimelineFork.CanFollow(local.MinRecoveryTimeline, local.MinRecoveryPoint, primaryTimeline, primaryHistory);
        return follow.CanFollow
            ? new RejoinVerdict.NoRewind(Invariant($"{end}, where the primary's history on timeline {primaryTimeline} goes on: nothing to rewind"))
            : new RejoinVerdict.Refuse("pg_rewind cannot rewind this node: it crashed before its first checkpoint on the timeline its WAL ends on",
                Invariant($"{end}; {follow.Reason}; PostgreSQL 15's pg_rewind reads this node's history from its last checkpoint's timeline"),
                RecloneHint);
    }

    private static RejoinVerdict Diverged(RejoinFacts facts)
    {
        var local = facts.Local;
        var fork = facts.Probe.DivergedAt is { } at ? $" at {at}" : "";
        // After a crash the WAL past the last checkpoint is unknown until crash recovery replays it, and pg_rewind's dry
        // run skips that recovery (PostgreSQL 15 then refuses; older ones judged from the checkpoint alone). The real run
        // recovers first, which ends the node's timeline beyond the fork: treat it as diverged, as repmgr does.
        var detail = local.ShutDownCleanly
            ? Invariant($"rejoin target server's timeline {facts.PrimaryTimeline} forked off current database system timeline {local.CheckpointTimeline}{fork} before current recovery point {local.CheckpointLocation}")
            : Invariant($"this node was not shut down cleanly (database cluster state \"{local.ClusterState}\"): its WAL past the last checkpoint {local.CheckpointLocation} on timeline {local.CheckpointTimeline} may reach beyond the fork of timeline {facts.PrimaryTimeline}{fork}; pg_rewind completes crash recovery first");
        if (facts.ForceRewind)
        {
            return new RejoinVerdict.Rewind(detail);
        }
        if (facts.Reclone)
        {
            return new RejoinVerdict.Reclone(detail);
        }
        return new RejoinVerdict.Refuse(Invariant($"this node cannot attach to rejoin target node {facts.PrimaryNodeId}"), detail,
            "use --force-rewind to execute pg_rewind");
    }

    private static RejoinVerdict CannotRewind(RejoinFacts facts, string reason, string detail) =>
        facts.Reclone
            ? new RejoinVerdict.Reclone(reason)
            : new RejoinVerdict.Refuse(reason, detail, RecloneHint);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
