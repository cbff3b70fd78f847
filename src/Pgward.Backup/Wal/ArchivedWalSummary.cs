using Pgward.Backup.Wal.Summary;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// Summarises the WAL of one timeline between two positions (<see cref="WalSummarizer"/>) as the backup server holds
/// it: archived segments (<c>.zst</c>) and the one the receiver is writing (<c>streaming/&lt;segment&gt;.partial</c>).
/// The WAL up to an incremental's start may still be on its way when the backup asks: while the receiver is writing the
/// segment that lacks it, it waits, up to <see cref="Patience"/>; then, or at once when a segment is neither archived
/// nor being received, it answers with the reason it could not (the caller reads every block instead).
/// </summary>
public sealed class ArchivedWalSummary(BackupLayout layout, TimeProvider time)
{
    /// <summary>How long to wait for the WAL before the incremental's start to reach the archive: the receiver streams
    /// it as the primary flushes it, within milliseconds; a receiver that is not running never delivers it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private const long SegmentSize = WalSegment.DefaultSize;

    /// <summary>What the receiver's summaries (<see cref="WalSummaryStore"/>) say of [<paramref name="from"/>,
    /// <paramref name="to"/>): the summaries of the segments from the one holding <paramref name="from"/> on, merged, as
    /// far as they go without a gap; the WAL from <see cref="StoredWalSummary.LiveFrom"/> to <paramref name="to"/> is left
    /// to decode (<see cref="SummarizeAsync"/>). A segment's summary covers every record that begins in it, some before
    /// <paramref name="from"/> or at and after <paramref name="to"/> too: blocks read again for nothing, never one missed.</summary>
    public StoredWalSummary Stored(uint timeline, Lsn from, Lsn to)
    {
        var merged = new WalBlockSummary();
        if (to.Value <= from.Value)
        {
            return new StoredWalSummary(merged, 0, to, null);
        }
        var store = new WalSummaryStore(layout, SegmentSize);
        var segments = 0;
        string? problem = null;
        var segment = WalSegment.Containing(timeline, from, SegmentSize);
        for (; segment.Start(SegmentSize).Value < to.Value; segment = segment.Next)
        {
            var read = store.Read(segment);
            if (read?.Summary is not { } summary)
            {
                problem = read?.Problem;
                break;
            }
            merged.Add(summary);
            segments++;
        }
        var liveFrom = segments == 0 ? from : segment.Start(SegmentSize);
        return new StoredWalSummary(merged, segments, liveFrom.Value < to.Value ? liveFrom : to, problem);
    }

    /// <summary>The blocks the records beginning in [<paramref name="from"/>, <paramref name="to"/>) touch.</summary>
    public async Task<WalSummaryResult> SummarizeAsync(uint timeline, Lsn from, Lsn to, CancellationToken ct)
    {
        if (to.Value <= from.Value)
        {
            return new WalSummaryResult(new WalBlockSummary(), null);
        }
        var deadline = time.GetUtcNow() + Patience;
        var absent = 0;
        while (true)
        {
            var (result, missing) = Summarize(timeline, from, to);
            // Missing once may be a segment archived between the two looks (.zst, then .partial): look again once.
            absent = missing ? absent + 1 : 0;
            if (result.Summary is not null || absent > 1 || time.GetUtcNow() >= deadline)
            {
                return result;
            }
            await Task.Delay(Poll, time, ct);
        }
    }

    /// <returns>The summary or its problem, and whether a segment was neither archived nor being received.</returns>
    private (WalSummaryResult Result, bool Missing) Summarize(uint timeline, Lsn from, Lsn to)
    {
        var first = WalSegment.Containing(timeline, from, SegmentSize);
        var last = WalSegment.ContainingLastByteBefore(timeline, to, SegmentSize);
        string? missing = null;
        IEnumerable<ReadOnlyMemory<byte>> Segments()
        {
            for (var segment = first; segment <= last; segment = segment.Next)
            {
                var (content, problem) = Read(segment);
                if (content is null)
                {
                    missing = problem;
                    yield break;
                }
                yield return content;
            }
        }
        var result = WalSummarizer.Summarize(Segments(), first.Start(SegmentSize).Value, (int)SegmentSize, from.Value, to.Value);
        return result.Summary is null && missing is not null ? (result with { Problem = missing }, true) : (result, false);
    }

    /// <summary>A segment's bytes: archived (decompressed and checked), or as much as the receiver has written of it.</summary>
    private (byte[]? Content, string? Problem) Read(WalSegment segment)
    {
        var name = segment.Name(SegmentSize);
        try
        {
            var archived = new WalArchive(layout, SegmentSize).ReadSegment(segment);
            if (archived.Content is not null || archived.Problem is not null)
            {
                return archived;
            }
            using var partial = File.OpenHandle(layout.StreamingPartial(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[Math.Min(RandomAccess.GetLength(partial), SegmentSize)];
            var read = 0;
            int n;
            while (read < bytes.Length && (n = RandomAccess.Read(partial, bytes.AsSpan(read), read)) > 0)
            {
                read += n;
            }
            return (bytes[..read], null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Archived between the two looks, or not received yet: the next attempt finds it.
            return (null, $"WAL segment {name} is neither archived nor being received");
        }
    }
}

/// <summary>The receiver's summaries of a range of WAL (<see cref="ArchivedWalSummary.Stored"/>): their merged
/// <see cref="Summary"/>, how many segments they cover, where the WAL they do not cover begins (the range's end when
/// they cover it all), and why the next segment's summary could not be used, when it has one that does not read back.</summary>
public sealed record StoredWalSummary(WalBlockSummary Summary, int Segments, Lsn LiveFrom, string? Problem);
