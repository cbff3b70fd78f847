using Pgward.Backup.Catalog;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>How far the receiver's summaries (<see cref="WalSummaryStore"/>) cover the archived WAL the next incremental
/// reads: the archived <see cref="Segments"/> of one timeline from a position on, how many of them have no summary
/// (<see cref="Missing"/>: the next incremental decodes those), and the first such. The newest archived segment is not
/// counted until it has one: its last record usually ends in the segment still being received, and its summary waits for
/// it. By the files' presence alone; a summary that does not read back is found, and decoded around, by the incremental
/// that reads it.</summary>
public sealed record WalSummaryCoverage(int Segments, int Missing, WalSegment? FirstMissing)
{
    public static WalSummaryCoverage Of(WalSummaryStore store, IReadOnlyList<ArchivedSegment> archived, uint timeline, Lsn from, long segmentSize)
    {
        var first = WalSegment.Containing(timeline, from, segmentSize).Number;
        var segments = archived.Select(a => a.Segment).Where(s => s.Timeline == timeline && s.Number >= first).OrderBy(s => s.Number).ToList();
        if (segments.Count > 0 && !store.Contains(segments[^1]))
        {
            segments.RemoveAt(segments.Count - 1);
        }
        var missing = segments.Where(s => !store.Contains(s)).ToList();
        return new WalSummaryCoverage(segments.Count, missing.Count, missing.Count > 0 ? missing[0] : null);
    }
}
