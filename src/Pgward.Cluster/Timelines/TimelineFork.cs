using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>
/// Decides from timelines alone whether a standby can follow an upstream: pure, so every case is unit-tested.
/// </summary>
public static class TimelineFork
{
    /// <param name="localTimeline">The timeline the standby is on.</param>
    /// <param name="localLsn">How far the standby has received or replayed WAL, whichever is further.</param>
    /// <param name="upstreamTimeline">The upstream's current timeline.</param>
    /// <param name="upstreamHistory">The upstream's history file for <paramref name="upstreamTimeline"/> (empty on timeline 1).</param>
    public static FollowVerdict CanFollow(int localTimeline, Lsn localLsn, int upstreamTimeline,
        IReadOnlyList<TimelineHistoryEntry> upstreamHistory)
    {
        if (upstreamTimeline == localTimeline)
        {
            return FollowVerdict.Yes;
        }
        if (upstreamTimeline < localTimeline)
        {
            return FollowVerdict.No(
                $"upstream server's timeline {upstreamTimeline} is older than current database system timeline {localTimeline}");
        }
        // The upstream's history names where each earlier timeline ended. Our timeline must be one of them, and we
        // must not have gone past its end: WAL beyond the switch point exists only here, and streaming the new
        // timeline over it would need pg_rewind first.
        if (upstreamHistory.FirstOrDefault(e => e.Timeline == localTimeline) is not { } fork)
        {
            return FollowVerdict.No(
                $"current database system timeline {localTimeline} is not in the history of upstream server's timeline {upstreamTimeline}");
        }
        if (localLsn > fork.SwitchPoint)
        {
            return FollowVerdict.No(
                $"rejoin target server's timeline {upstreamTimeline} forked off current database system timeline {localTimeline} "
                + $"before current recovery point {localLsn}");
        }
        return FollowVerdict.Yes;
    }
}
