using System.Buffers;
using System.Threading.Channels;
using Pgward.Backup.Wal.Summary;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// Summarises the segments the receiver archives, beside the stream (<see cref="WalSummaryStore"/>), each from the bytes
/// the segment writer archived. A segment whose last record ends in the next one (most do; one closed by a WAL switch
/// does not) is summarised up to that record at once, and that record when the next segment arrives. A segment before
/// one that arrives and without a summary (the first one received after a restart, or one whose summary was lost) is
/// read back from the archive and summarised whole. Summaries only spare
/// incrementals work, so nothing here may slow or stop the stream: a segment offered while <see cref="Backlog"/> wait is
/// skipped (an incremental decodes it), and a fault is reported and the next segment summarised.
/// </summary>
public sealed class SegmentSummaries : IAsyncDisposable
{
    /// <summary>Segments that may wait to be summarised; more are skipped.</summary>
    public const int Backlog = 4;

    /// <summary>The largest segment summarised from memory: 64 MiB. Up to <see cref="Backlog"/> + 2 copies of a segment
    /// may be held at once; a cluster with larger segments (<c>initdb --wal-segsize</c> up to 1 GiB) gets no
    /// summaries, and its incrementals decode the WAL they need (or read the files, under <c>auto</c>).</summary>
    public const long MaxSegmentSize = 64 * 1024 * 1024;

    /// <summary>The summaries of <paramref name="archive"/>'s segments, or null when they are larger than
    /// <see cref="MaxSegmentSize"/>.</summary>
    public static SegmentSummaries? For(WalArchive archive, IReporter reporter) =>
        archive.SegmentSize <= MaxSegmentSize ? new SegmentSummaries(archive, reporter) : null;

    private readonly WalArchive _archive;
    private readonly WalSummaryStore _store;
    private readonly IReporter _reporter;
    private readonly int _segmentSize;
    private readonly Channel<(WalSegment Segment, byte[] Bytes)> _queue =
        Channel.CreateBounded<(WalSegment, byte[])>(new BoundedChannelOptions(Backlog) { SingleReader = true, SingleWriter = true });
    private readonly Task _worker;
    private Pending? _pending;
    private bool _warned;

    public SegmentSummaries(WalArchive archive, IReporter reporter)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(archive.SegmentSize, MaxSegmentSize);
        _archive = archive;
        _store = new WalSummaryStore(archive.Layout, archive.SegmentSize);
        _reporter = reporter;
        _segmentSize = (int)archive.SegmentSize;
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>A segment just archived whole; its bytes are copied, the caller's buffer is free again at return.</summary>
    public void Offer(WalSegment segment, ReadOnlySpan<byte> bytes)
    {
        var copy = ArrayPool<byte>.Shared.Rent(_segmentSize);
        bytes.CopyTo(copy);
        if (!_queue.Writer.TryWrite((segment, copy)))
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Summarises what was offered, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
        _pending?.Return();
    }

    private async Task WorkAsync()
    {
        await foreach (var (segment, bytes) in _queue.Reader.ReadAllAsync())
        {
            var pending = _pending;
            _pending = null;
            try
            {
                await FinishBeforeAsync(segment, bytes, pending);
                _pending = await SummarizeAsync(segment, bytes);
            }
            catch (Exception e)
            {
                // Summaries only spare work: a fault (a full disk) must not reach the stream.
                Report($"the WAL summaries up to segment {segment.Name(_segmentSize)} were not all written: {e.Message}; incrementals decode that WAL instead");
            }
            pending?.Return();
            if (_pending is null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>Completes the summary of the segment before <paramref name="segment"/> with its last record, which
    /// ends in <paramref name="bytes"/>; or, with nothing pending for it (the receiver started with this segment),
    /// summarises it whole from the archive, unless it has a summary already.</summary>
    private async Task FinishBeforeAsync(WalSegment segment, byte[] bytes, Pending? pending)
    {
        if (segment.Number == 0)
        {
            return;
        }
        var before = segment with { Number = segment.Number - 1 };
        var start = before.Start(_segmentSize).Value;
        var end = before.End(_segmentSize).Value;
        if (pending is not null && pending.Segment == before)
        {
            ReadOnlyMemory<byte>[] both = [pending.Bytes.AsMemory(0, _segmentSize), bytes.AsMemory(0, _segmentSize)];
            var rest = WalSummarizer.Summarize(both, start, _segmentSize, pending.IncompleteAt, end, fromIsRecord: true, out var stillIncomplete);
            await WriteAsync(before, stillIncomplete is { } record
                ? WalSummaryResult.Failed($"its last record, at {new Lsn(record)}, goes on past the next segment too")
                : rest, pending.Summary);
            return;
        }
        if (_store.Contains(before) || _archive.ReadSegment(before).Content is not { } earlier)
        {
            return;
        }
        ReadOnlyMemory<byte>[] segments = [earlier, bytes.AsMemory(0, _segmentSize)];
        await WriteAsync(before, WalSummarizer.Summarize(segments, start, _segmentSize, start, end), null);
    }

    /// <summary>Summarises the records of <paramref name="segment"/> its own bytes hold whole; when the last one goes
    /// on into the next segment, what is pending until it comes.</summary>
    private async Task<Pending?> SummarizeAsync(WalSegment segment, byte[] bytes)
    {
        var start = segment.Start(_segmentSize).Value;
        ReadOnlyMemory<byte>[] alone = [bytes.AsMemory(0, _segmentSize)];
        var result = WalSummarizer.Summarize(alone, start, _segmentSize, start, segment.End(_segmentSize).Value, fromIsRecord: false, out var incompleteAt);
        if (incompleteAt is { } record && result.Summary is { } summary)
        {
            return new Pending(segment, bytes, summary, record);
        }
        await WriteAsync(segment, result, null);
        return null;
    }

    /// <summary>Writes the segment's summary: <paramref name="result"/>'s, with what <paramref name="earlier"/> holds of
    /// it added; or reports why there is none.</summary>
    private async Task WriteAsync(WalSegment segment, WalSummaryResult result, WalBlockSummary? earlier)
    {
        if (result.Summary is not { } summary)
        {
            Report($"segment {segment.Name(_segmentSize)} cannot be summarised ({result.Problem}); incrementals decode that WAL instead");
            return;
        }
        if (earlier is not null)
        {
            summary.Add(earlier);
        }
        await _store.WriteAsync(segment, summary, CancellationToken.None);
    }

    /// <summary>The first problem of a run is a warning; the rest are details, not to flood the log.</summary>
    private void Report(string problem)
    {
        if (_warned)
        {
            _reporter.Info(problem);
            return;
        }
        _warned = true;
        _reporter.Warning(problem);
    }

    /// <summary>A segment summarised up to <see cref="IncompleteAt"/>, a record that ends in the next segment.</summary>
    private sealed record Pending(WalSegment Segment, byte[] Bytes, WalBlockSummary Summary, ulong IncompleteAt)
    {
        public void Return() => ArrayPool<byte>.Shared.Return(Bytes);
    }
}
