using Pgward.Cluster.Timelines;

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
}
