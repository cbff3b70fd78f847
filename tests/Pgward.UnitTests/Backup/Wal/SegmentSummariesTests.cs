using System.Collections.Concurrent;
using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Backup.Wal.Summary;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;
using Pgward.UnitTests.Backup.Wal.Summary;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

/// <summary>The receiver's summaries of the segments it archives: each the summary of the records that begin in its
/// segment, the one going on into the next included; written from memory as segments arrive, from the archive for the
/// segment before a restart; a fault reported, never thrown at the stream.</summary>
public sealed class SegmentSummariesTests : IDisposable
{
    private static readonly RelFileId Index = new(1663, 5, 16390);
    private readonly TempDirectory _dir = new();
    private readonly WalArchive _archive;
    private readonly WalSummaryStore _store;
    private readonly Lines _reporter = new();

    public SegmentSummariesTests()
    {
        _archive = new WalArchive(new BackupLayout(_dir.File("backup")), TestWal.SegmentSize);
        _store = new WalSummaryStore(_archive.Layout, TestWal.SegmentSize);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Each_segment_is_summarised_with_the_record_that_goes_on_into_the_next()
    {
        var wal = CrossingWal();
        var segments = wal.Segments();
        Assert.Equal(4, segments.Count);

        await using (var summaries = new SegmentSummaries(_archive, _reporter))
        {
            for (var i = 0; i < 3; i++)
            {
                summaries.Offer(Segment(i), segments[i].Span);
            }
        }

        Assert.Equal([1u, 2u], Blocks(Stored(0)));
        Assert.Equal([3u, 4u], Blocks(Stored(1)));
        // Its last record goes on into a segment that has not come: nothing is written for it yet.
        Assert.Null(_store.Read(Segment(2)));
        Assert.Empty(_reporter.Warnings);
        // Together, what one summary of both segments is.
        var together = Stored(0);
        together.Add(Stored(1));
        var oneGo = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, wal.Start, wal.Start + 2 * (ulong)TestWal.SegmentSize).Summary!;
        Assert.Equal(WalSummaryFileTests.Describe(oneGo), WalSummaryFileTests.Describe(together));
    }

    [Fact]
    public async Task A_segment_closed_by_a_wal_switch_is_summarised_without_waiting_for_the_next()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));
        wal.Switch();
        wal.Append(Touch(2));

        await using (var summaries = new SegmentSummaries(_archive, _reporter))
        {
            summaries.Offer(Segment(0), wal.Segments()[0].Span);
        }

        Assert.Equal([1u], Blocks(Stored(0)));
    }

    [Fact]
    public async Task After_a_restart_the_segment_before_the_first_one_received_is_summarised_from_the_archive()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));
        AppendAcross(wal, 1, 2);
        AppendAcross(wal, 2, 3);
        var segments = wal.Segments();
        Assert.Equal(WalArchiveResult.Archived, await _archive.ArchiveSegmentAsync(Segment(0), segments[0], partial: false, TestContext.Current.CancellationToken));

        await using (var summaries = new SegmentSummaries(_archive, _reporter))
        {
            summaries.Offer(Segment(1), segments[1].Span);
        }

        Assert.Equal([1u, 2u], Blocks(Stored(0)));
    }

    [Fact]
    public async Task A_segment_that_cannot_be_summarised_is_reported_and_the_next_one_still_is()
    {
        var wal = new TestWal();
        var damaged = wal.Append(Touch(1));
        AppendAcross(wal, 1, 2);
        wal.Append(Touch(3));
        AppendAcross(wal, 2, 4);
        AppendAcross(wal, 3, 5);
        wal.Corrupt(damaged + 30);
        var segments = wal.Segments();

        await using (var summaries = new SegmentSummaries(_archive, _reporter))
        {
            for (var i = 0; i < 3; i++)
            {
                summaries.Offer(Segment(i), segments[i].Span);
            }
        }

        Assert.Null(_store.Read(Segment(0)));
        var warning = Assert.Single(_reporter.Warnings);
        Assert.Contains($"segment {Segment(0).Name(TestWal.SegmentSize)} cannot be summarised", warning, StringComparison.Ordinal);
        Assert.Contains("CRC", warning, StringComparison.Ordinal);
        Assert.Equal([3u, 4u], Blocks(Stored(1)));
    }

    [Fact]
    public async Task Summaries_and_the_gaps_between_them_decoded_add_up_to_one_reading_of_the_range()
    {
        var ct = TestContext.Current.CancellationToken;
        // Block 4's record begins in the segment whose summary goes missing and ends in the next: its decode reads on
        // into that one.
        var wal = CrossingWal();
        wal.Append(Touch(7));
        var segments = wal.Segments();
        Assert.Equal(4, segments.Count);
        await using (var summaries = new SegmentSummaries(_archive, _reporter))
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(WalArchiveResult.Archived, await _archive.ArchiveSegmentAsync(Segment(i), segments[i], partial: false, ct));
                summaries.Offer(Segment(i), segments[i].Span);
            }
        }
        File.Delete(_archive.Layout.WalSummary(Segment(1).Name(TestWal.SegmentSize)));
        var archived = new ArchivedWalSummary(_archive.Layout, TimeProvider.System, TestWal.SegmentSize);
        var to = new Lsn(wal.Position);

        var stored = archived.Stored(1, new Lsn(wal.Start), to);
        var summary = stored.Summary;
        foreach (var gap in stored.Gaps)
        {
            var decoded = await archived.SummarizeAsync(1, gap.From, gap.To, ct);
            Assert.True(decoded.Summary is not null, decoded.Problem);
            summary.Add(decoded.Summary);
        }

        Assert.Equal(2, stored.Segments);
        Assert.Equal([Segment(1).Start(TestWal.SegmentSize), Segment(3).Start(TestWal.SegmentSize)], stored.Gaps.Select(g => g.From));
        var oneGo = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, wal.Start, wal.Position).Summary!;
        Assert.Equal(WalSummaryFileTests.Describe(oneGo), WalSummaryFileTests.Describe(summary));
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u, 7u], Blocks(summary));
    }

    [Fact]
    public async Task Retention_deletes_the_summaries_with_their_segments()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var i in new[] { 0, 1, 2 })
        {
            await _archive.ArchiveSegmentAsync(Segment(i), new byte[TestWal.SegmentSize], partial: false, ct);
            await _store.WriteAsync(Segment(i), new WalBlockSummary(), ct);
        }

        Assert.Equal(2, _archive.DeleteSegmentsBefore(Segment(2).Name(TestWal.SegmentSize)));

        Assert.Null(_store.Read(Segment(0)));
        Assert.Null(_store.Read(Segment(1)));
        Assert.NotNull(_store.Read(Segment(2)));
    }

    [Fact]
    public async Task Segments_larger_than_64_MiB_get_no_summaries()
    {
        Assert.Null(SegmentSummaries.For(new WalArchive(_archive.Layout, 128L << 20), _reporter));
        await using var summaries = SegmentSummaries.For(new WalArchive(_archive.Layout, 64L << 20), _reporter);
        Assert.NotNull(summaries);
    }

    private static WalSegment Segment(int index) => new(1, (ulong)(new TestWal().Start / TestWal.SegmentSize) + (ulong)index);

    /// <summary>Blocks 1, 3 and 5 touched by records within the first three segments, and 2, 4 and 6 by records that
    /// begin at the end of one and end in the next.</summary>
    private static TestWal CrossingWal()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));
        AppendAcross(wal, 1, 2);
        wal.Append(Touch(3));
        AppendAcross(wal, 2, 4);
        wal.Append(Touch(5));
        AppendAcross(wal, 3, 6);
        return wal;
    }

    /// <summary>Appends a record that begins just before the end of segment <paramref name="index"/> - 1 (counted from
    /// 1) and ends in the next, touching <paramref name="block"/>.</summary>
    private static void AppendAcross(TestWal wal, int index, uint block)
    {
        wal.FillUntil(wal.Start + (ulong)index * TestWal.SegmentSize - 16);
        wal.Append(Touch(block, dataLength: 300));
    }

    private WalBlockSummary Stored(int index)
    {
        var read = _store.Read(Segment(index));
        Assert.True(read?.Summary is not null, read?.Problem ?? $"segment {index} has no summary");
        return read!.Summary!;
    }

    private static TestRecord Touch(uint block, int dataLength = 3) =>
        new TestRecord(ResourceManager.Btree, 0x00).Block(0, Index, ForkNumber.Main, block, data: new byte[dataLength]);

    private static IReadOnlyList<uint> Blocks(WalBlockSummary summary) => summary.Changes(Index, ForkNumber.Main)?.Blocks ?? [];

    private sealed class Lines : IReporter
    {
        private readonly ConcurrentQueue<(ReportLevel Level, string Message)> _lines = new();

        public IEnumerable<string> Warnings => _lines.Where(l => l.Level == ReportLevel.Warning).Select(l => l.Message);

        public void Report(ReportLevel level, string message) => _lines.Enqueue((level, message));

        public void Progress(string message)
        {
        }
    }
}
