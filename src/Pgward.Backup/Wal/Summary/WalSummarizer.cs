using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// Lists which relation blocks a range of PostgreSQL 15 WAL touches, as PostgreSQL 17's <c>walsummarizer.c</c> does
/// for its own incremental backups: the blocks an incremental backup must take again because they may have changed
/// since the backup it builds on. Pure: bytes in, a summary or a problem out.
/// </summary>
/// <remarks>A summary must never miss a change, so anything it cannot read or follow is a problem rather than a
/// shorter summary, and what it does not know exactly it over-includes (a limit of 0 takes a whole fork again).</remarks>
public static class WalSummarizer
{
    /// <summary>Summarises every record that BEGINS at an LSN in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="segments">Consecutive WAL segments' bytes in order, read lazily one at a time, the first one
    /// starting at LSN <paramref name="firstSegmentStart"/>, each <paramref name="segmentSize"/> long except possibly the
    /// last, which may be shorter (a segment still being received: only its first N bytes exist). A segment longer
    /// than that is a caller's mistake: <see cref="ArgumentException"/>.</param>
    /// <param name="firstSegmentStart">A multiple of <paramref name="segmentSize"/>, at or before <paramref name="from"/>.
    /// Records are found by reading from there on, so the WAL between it and <paramref name="from"/> must be sound too.</param>
    /// <param name="segmentSize">The server's <c>wal_segment_size</c> in bytes: a power of two from 1 MiB to 1 GiB.</param>
    /// <returns>The summary, or a problem (a sentence naming the LSN and what is wrong) when the records that begin
    /// before <paramref name="to"/> cannot all be read: a missing or short segment, a page header whose magic or address
    /// does not fit, a record whose CRC-32C fails, a record that begins before <paramref name="to"/> but is not complete
    /// in the bytes given; or a record whose effect on relation files a summary cannot follow.</returns>
    public static WalSummaryResult Summarize(IEnumerable<ReadOnlyMemory<byte>> segments, ulong firstSegmentStart, int segmentSize, ulong from, ulong to) =>
        Summarize(segments, firstSegmentStart, segmentSize, from, to, fromIsRecord: false, partial: false, out _);

    /// <summary>
    /// As <see cref="Summarize(IEnumerable{ReadOnlyMemory{byte}}, ulong, int, ulong, ulong)"/>, for WAL that is still
    /// arriving: when the last record that begins before <paramref name="to"/> goes on past the bytes given, the summary
    /// of the records before it, and in <paramref name="incompleteAt"/> where that record begins. Summarising from there
    /// (<paramref name="fromIsRecord"/>) once the bytes after it have come, and adding both summaries, gives the summary of
    /// the whole range, without reading the rest of it again.
    /// </summary>
    /// <param name="fromIsRecord">Reading starts at <paramref name="from"/>, a record's beginning (an earlier call's
    /// <paramref name="incompleteAt"/>), instead of at the first record of the first segment; that record's link to the one
    /// before it is not checked.</param>
    public static WalSummaryResult Summarize(IEnumerable<ReadOnlyMemory<byte>> segments, ulong firstSegmentStart, int segmentSize, ulong from, ulong to,
        bool fromIsRecord, out ulong? incompleteAt) =>
        Summarize(segments, firstSegmentStart, segmentSize, from, to, fromIsRecord, partial: true, out incompleteAt);

    /// <param name="partial">Whether a last record that is not complete in the bytes given ends the summary
    /// (<paramref name="incompleteAt"/>) rather than failing it.</param>
    private static WalSummaryResult Summarize(IEnumerable<ReadOnlyMemory<byte>> segments, ulong firstSegmentStart, int segmentSize, ulong from, ulong to,
        bool fromIsRecord, bool partial, out ulong? incompleteAt)
    {
        incompleteAt = null;
        ArgumentNullException.ThrowIfNull(segments);
        if (!WalFormat.IsSegmentSize(segmentSize))
        {
            throw new ArgumentOutOfRangeException(nameof(segmentSize), segmentSize, "must be a power of two from 1 MiB to 1 GiB");
        }
        if (firstSegmentStart % (ulong)segmentSize != 0)
        {
            throw new ArgumentException($"{new Lsn(firstSegmentStart)} is not where a segment of {segmentSize} bytes starts", nameof(firstSegmentStart));
        }
        if (from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"the range [{new Lsn(from)}, {new Lsn(to)}) is reversed");
        }
        var summary = new WalBlockSummary();
        if (from == to)
        {
            return new WalSummaryResult(summary, null);
        }
        if (from < firstSegmentStart)
        {
            return WalSummaryResult.Failed($"the records from {new Lsn(from)} on are to be summarised, but the first segment given starts at {new Lsn(firstSegmentStart)}");
        }
        using var cursor = new WalSegmentCursor(segments, firstSegmentStart, segmentSize);
        var reader = new WalRecordReader(cursor, segmentSize, to);
        var problem = SummarizeRecords(reader, fromIsRecord ? null : firstSegmentStart, from, summary);
        if (partial && problem is not null && reader.IncompleteAt is { } incomplete && incomplete >= from)
        {
            // What the bytes given hold: the caller asked for what they hold (the out parameter), and reads the rest later.
            incompleteAt = incomplete;
            return new WalSummaryResult(summary, null);
        }
        return problem is null ? new WalSummaryResult(summary, null) : WalSummaryResult.Failed(problem);
    }

    /// <param name="firstSegmentStart">Where to look for the first record; null: it begins at <paramref name="from"/>.</param>
    private static string? SummarizeRecords(WalRecordReader reader, ulong? firstSegmentStart, ulong from, WalBlockSummary summary)
    {
        if (firstSegmentStart is not { } segmentStart)
        {
            reader.StartAt(from);
        }
        else if (reader.Start(segmentStart) is { } startProblem)
        {
            return startProblem;
        }
        string? problem;
        while (reader.TryRead(out var record, out problem))
        {
            if (record.Lsn < from)
            {
                continue;
            }
            if ((WalRecordDecoder.Decode(record, out var decoded) ?? WalRecordEffects.Apply(decoded, summary)) is { } recordProblem)
            {
                return recordProblem;
            }
        }
        return problem;
    }
}
