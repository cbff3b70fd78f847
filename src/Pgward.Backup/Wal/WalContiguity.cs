using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>Pure rules about which archived WAL follows which.</summary>
public static class WalContiguity
{
    /// <summary>
    /// Whether a segment that is not archived lies inside the archived WAL rather than after its end: a later
    /// segment of the same timeline is archived, and no history file says the timeline ended before it.
    /// </summary>
    public static bool IsHole(
        WalSegment missing,
        IReadOnlyList<WalSegment> archived,
        IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> histories,
        long segmentSize)
    {
        if (!archived.Any(s => s.Timeline == missing.Timeline && s.Number > missing.Number))
        {
            return false;
        }
        var endedBefore = histories.Values.SelectMany(entries => entries)
            .Any(e => e.Timeline == missing.Timeline && e.SwitchPoint.Value / (ulong)segmentSize < missing.Number);
        return !endedBefore;
    }

    /// <summary>
    /// The timelines whose copy of <paramref name="segment"/> holds its WAL up to <paramref name="end"/>: those that
    /// branched off the segment's timeline inside the segment, at or after <paramref name="end"/>. The segment of a
    /// timeline that ended (a promotion) is never archived whole under that timeline's name, only as its .partial; the
    /// next timeline's segment of the same number starts with the same WAL up to the switch point, and recovery reads
    /// that one (it prefers the newest timeline's file). Newest first.
    /// </summary>
    public static IReadOnlyList<uint> CoveringTimelines(
        WalSegment segment, Lsn end, IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> histories, long segmentSize) =>
        [.. histories
            .Where(h => h.Value.Any(e => e.Timeline == segment.Timeline && e.SwitchPoint.Value / (ulong)segmentSize == segment.Number && end <= e.SwitchPoint))
            .Select(h => h.Key)
            .OrderDescending()];

    /// <summary>
    /// Where <paramref name="timeline"/> ended (a promotion made the next one), when that is before
    /// <paramref name="end"/>; null when it did not end, or ended at or after it. WAL of the timeline past that point
    /// was written by a primary the cluster left behind: it is not part of the cluster's history.
    /// </summary>
    public static Lsn? EndedBefore(uint timeline, Lsn end, IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> histories)
    {
        var ends = histories.Values.SelectMany(entries => entries).Where(e => e.Timeline == timeline && e.SwitchPoint < end).Select(e => e.SwitchPoint).ToList();
        return ends.Count == 0 ? null : ends.Min();
    }
}
