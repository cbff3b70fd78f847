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
/// <param name="segmentSize">The archive's segment size (PostgreSQL's default unless a test lays out smaller ones).</param>
public sealed class ArchivedWalSummary(BackupLayout layout, TimeProvider time, long segmentSize = WalSegment.DefaultSize)
{
    /// <summary>How long to wait for the WAL before the incremental's start to reach the archive: the receiver streams
    /// it as the primary flushes it, within milliseconds; a receiver that is not running never delivers it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly WalArchive _archive = new(layout, segmentSize);

    /// <summary>What the receiver's summaries (<see cref="WalSummaryStore"/>) say of [<paramref name="from"/>,
    /// <paramref name="to"/>): the summaries of the segments from the one holding <paramref name="from"/> on, merged, and
    /// the ranges no summary covers (<see cref="StoredWalSummary.Gaps"/>: segments skipped or whose summary does not read
    /// back), left to decode (<see cref="SummarizeAsync"/>). A segment's summary covers every record that begins in it, some
    /// before <paramref name="from"/> or at and after <paramref name="to"/> too: blocks read again for nothing, never one
    /// missed.</summary>
    public StoredWalSummary Stored(uint timeline, Lsn from, Lsn to)
    {
        var merged = new WalBlockSummary();
        var gaps = new List<WalRange>();
        var problems = new List<string>();
        if (to.Value <= from.Value)
        {
            return new StoredWalSummary(merged, 0, gaps, problems);
        }
        var store = new WalSummaryStore(layout, segmentSize);
        var segments = 0;
        Lsn? gapFrom = null;
        for (var segment = WalSegment.Containing(timeline, from, segmentSize); segment.Start(segmentSize).Value < to.Value; segment = segment.Next)
        {
            var start = segment.Start(segmentSize);
            var read = store.Read(segment);
            if (read?.Summary is not { } summary)
            {
                if (read?.Problem is { } problem)
                {
                    problems.Add(problem);
                }
                gapFrom ??= start.Value < from.Value ? from : start;
                continue;
            }
            if (gapFrom is { } open)
            {
                gaps.Add(new WalRange(open, start));
                gapFrom = null;
            }
            merged.Add(summary);
            segments++;
        }
        if (gapFrom is { } last)
        {
            gaps.Add(new WalRange(last, to));
        }
        return new StoredWalSummary(merged, segments, gaps, problems);
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
        var first = WalSegment.Containing(timeline, from, segmentSize);
        // One segment past the one holding the range's last byte: where a record that begins before `to` ends when `to`
        // is a segment's start (a gap between two summarised segments). Read only when that record is there.
        var last = WalSegment.ContainingLastByteBefore(timeline, to, segmentSize).Next;
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
        var result = WalSummarizer.Summarize(Segments(), first.Start(segmentSize).Value, (int)segmentSize, from.Value, to.Value);
        return result.Summary is null && missing is not null ? (result with { Problem = missing }, true) : (result, false);
    }

    /// <summary>A segment's bytes: archived (decompressed and checked), or as much as the receiver has written of it.</summary>
    private (byte[]? Content, string? Problem) Read(WalSegment segment)
    {
        var name = segment.Name(segmentSize);
        try
        {
            var archived = _archive.ReadSegment(segment);
            if (archived.Content is not null || archived.Problem is not null)
            {
                return archived;
            }
            using var partial = File.OpenHandle(layout.StreamingPartial(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[Math.Min(RandomAccess.GetLength(partial), segmentSize)];
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
/// <see cref="Summary"/>, how many segments they cover, the ranges they do not cover, in order (none when they cover it
/// all), and why summaries that exist could not be used.</summary>
public sealed record StoredWalSummary(WalBlockSummary Summary, int Segments, IReadOnlyList<WalRange> Gaps, IReadOnlyList<string> Problems)
{
    /// <summary>The bytes of WAL in <see cref="Gaps"/>.</summary>
    public long GapBytes => Gaps.Sum(g => (long)(g.To.Value - g.From.Value));
}

/// <summary>The WAL from <see cref="From"/> up to, not including, <see cref="To"/>.</summary>
public readonly record struct WalRange(Lsn From, Lsn To);
