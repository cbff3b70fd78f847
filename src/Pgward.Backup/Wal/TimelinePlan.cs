using Pgward.Cluster.Timelines;

namespace Pgward.Backup.Wal;

/// <summary>
/// How to get from the receiver's position to the server's current timeline: the end of each older timeline up to
/// the switch point the server's history gives, then the new timeline from the start of the segment holding that
/// switch point (the new timeline's copy of that segment begins with the old timeline's WAL, which recovery reads).
/// Pure; the streaming session follows the legs.
/// </summary>
public sealed record TimelinePlan(IReadOnlyList<TimelineLeg> Legs, IReadOnlyList<string> Warnings, string? Problem)
{
    public static TimelinePlan Make(StreamPosition position, uint serverTimeline, IReadOnlyList<TimelineHistoryEntry> serverHistory, long segmentSize)
    {
        if (position.Timeline > serverTimeline)
        {
            return Refused($"the archive has reached timeline {position.Timeline}, but the primary is on timeline {serverTimeline}");
        }
        var legs = new List<TimelineLeg>();
        var warnings = new List<string>();
        var current = position;
        while (current.Timeline < serverTimeline)
        {
            var index = IndexOf(serverHistory, current.Timeline);
            if (index < 0)
            {
                return Refused($"timeline {current.Timeline} of the archive is not in the history of the primary's timeline {serverTimeline}");
            }
            var switchPoint = serverHistory[index].SwitchPoint;
            if (current.Lsn < switchPoint)
            {
                legs.Add(new TimelineLeg(current.Timeline, current.Lsn, switchPoint));
            }
            else if (current.Lsn > WalSegment.Containing(current.Timeline, switchPoint, segmentSize).End(segmentSize))
            {
                warnings.Add($"WAL of timeline {current.Timeline} was archived past its switch point {switchPoint} (up to {current.Lsn}): "
                    + "it was written by the old primary after the standby's promotion and is not part of the cluster's history");
            }
            var next = index + 1 < serverHistory.Count ? (uint)serverHistory[index + 1].Timeline : serverTimeline;
            current = new StreamPosition(next, WalSegment.Containing(next, switchPoint, segmentSize).Start(segmentSize));
        }
        legs.Add(new TimelineLeg(current.Timeline, current.Lsn, null));
        return new TimelinePlan(legs, warnings, null);
    }

    private static TimelinePlan Refused(string problem) => new([], [], problem);

    private static int IndexOf(IReadOnlyList<TimelineHistoryEntry> history, uint timeline)
    {
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].Timeline == timeline)
            {
                return i;
            }
        }
        return -1;
    }
}
