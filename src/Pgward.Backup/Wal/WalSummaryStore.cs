using Pgward.Backup.Wal.Summary;

namespace Pgward.Backup.Wal;

/// <summary>
/// The block summaries of archived segments (<see cref="BackupLayout.WalSummary"/>): for each segment, which relation
/// blocks the records that BEGIN in it touch (<see cref="WalSummaryFile"/>). The receiver writes them as segments
/// arrive (<see cref="SegmentSummaries"/>), so that an incremental backup learns what changed since its parent from a
/// few small files instead of decompressing and decoding all the WAL in between (PostgreSQL 17's
/// <c>pg_wal/summaries</c>). A summary is never needed for correctness: an incremental decodes the WAL of any segment
/// that has none, or whose summary does not read back whole.
/// </summary>
public sealed class WalSummaryStore(BackupLayout layout, long segmentSize)
{
    public bool Contains(WalSegment segment) => File.Exists(layout.WalSummary(segment.Name(segmentSize)));

    public async Task WriteAsync(WalSegment segment, WalBlockSummary summary, CancellationToken ct) =>
        await DurableFile.WriteAsync(layout.WalSummary(segment.Name(segmentSize)),
            WalSummaryFile.Write(summary, segment.Timeline, segment.Start(segmentSize), segment.End(segmentSize)), ct);

    /// <summary>The segment's summary; null when it has none, or the problem when its file does not read back whole.</summary>
    public WalSummaryResult? Read(WalSegment segment)
    {
        var path = layout.WalSummary(segment.Name(segmentSize));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var result = WalSummaryFile.Read(bytes, segment.Timeline, segment.Start(segmentSize), segment.End(segmentSize));
        return result.Summary is null ? result with { Problem = $"the summary \"{path}\" cannot be used: {result.Problem}" } : result;
    }

    /// <summary>Deletes the summaries of segments (of any timeline) before <paramref name="oldest"/>, as retention
    /// deletes the segments; returns how many.</summary>
    public int DeleteBefore(WalSegment oldest)
    {
        var deleted = 0;
        foreach (var folder in Directory.Exists(layout.SummaryDirectory) ? Directory.GetDirectories(layout.SummaryDirectory) : [])
        {
            foreach (var path in Directory.GetFiles(folder, "*.summary"))
            {
                if (WalSegment.TryParse(Path.GetFileNameWithoutExtension(path), segmentSize, out var segment) && segment.Number < oldest.Number)
                {
                    File.Delete(path);
                    deleted++;
                }
            }
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        return deleted;
    }
}
