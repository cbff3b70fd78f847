using Pgward.Backup;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Backup.Wal.Summary;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

/// <summary>What an incremental takes from the receiver's summaries: those of the segments from the parent's start on;
/// the ranges they leave out are decoded, and both together say what one reading of the whole range says.</summary>
public sealed class StoredWalSummaryTests : IDisposable
{
    private const long Size = WalSegment.DefaultSize;
    private static readonly RelFileId Table = new(1663, 5, 16384);
    private readonly TempDirectory _dir = new();
    private readonly BackupLayout _layout;
    private readonly WalSummaryStore _store;
    private readonly ArchivedWalSummary _archived;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public StoredWalSummaryTests()
    {
        _layout = new BackupLayout(_dir.File("backup"));
        _store = new WalSummaryStore(_layout, Size);
        _archived = new ArchivedWalSummary(_layout, TimeProvider.System);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Summaries_on_both_sides_of_a_gap_are_taken_and_the_gaps_left_to_decode()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);
        await WriteAsync(6, 60);

        var to = Segment(7).Start(Size) + 50;
        var stored = _archived.Stored(1, Segment(3).Start(Size) + 100, to);

        Assert.Equal(3, stored.Segments);
        Assert.Equal([new WalRange(Segment(5).Start(Size), Segment(6).Start(Size)), new WalRange(Segment(7).Start(Size), to)], stored.Gaps);
        Assert.Equal((long)Size + 50, stored.GapBytes);
        Assert.Empty(stored.Problems);
        Assert.Equal([30u, 40u, 60u], stored.Summary.Changes(Table, ForkNumber.Main)!.Blocks);
    }

    [Fact]
    public async Task A_range_the_summaries_cover_leaves_nothing_to_decode()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);

        var to = Segment(4).Start(Size) + 4096;
        var stored = _archived.Stored(1, Segment(3).Start(Size) + 100, to);

        Assert.Equal(2, stored.Segments);
        Assert.Empty(stored.Gaps);
    }

    [Fact]
    public async Task Without_a_summary_for_the_first_segment_its_part_of_the_range_is_decoded()
    {
        await WriteAsync(4, 40);
        var from = Segment(3).Start(Size) + 100;

        var stored = _archived.Stored(1, from, Segment(5).Start(Size));

        Assert.Equal(1, stored.Segments);
        Assert.Equal([new WalRange(from, Segment(4).Start(Size))], stored.Gaps);
        Assert.Equal([40u], stored.Summary.Changes(Table, ForkNumber.Main)!.Blocks);
    }

    [Fact]
    public async Task A_damaged_summary_is_decoded_instead_and_said_so()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);
        var path = _layout.WalSummary(Segment(4).Name(Size));
        var bytes = await File.ReadAllBytesAsync(path, _ct);
        bytes[20] ^= 1;
        await File.WriteAllBytesAsync(path, bytes, _ct);

        var stored = _archived.Stored(1, Segment(3).Start(Size), Segment(6).Start(Size));

        Assert.Equal(1, stored.Segments);
        Assert.Equal([new WalRange(Segment(4).Start(Size), Segment(6).Start(Size))], stored.Gaps);
        var problem = Assert.Single(stored.Problems);
        Assert.Contains("CRC-32C", problem, StringComparison.Ordinal);
        Assert.Contains(path, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summaries_of_another_timeline_are_not_taken()
    {
        await WriteAsync(3, 30, timeline: 2);

        var stored = _archived.Stored(1, Segment(3).Start(Size), Segment(4).Start(Size));

        Assert.Equal(0, stored.Segments);
        Assert.Equal([new WalRange(Segment(3).Start(Size), Segment(4).Start(Size))], stored.Gaps);
    }

    [Fact]
    public async Task Coverage_counts_the_archived_segments_from_the_parents_on_without_the_newest_while_it_waits()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);
        await WriteAsync(6, 60);
        var archived = new[] { 2, 3, 4, 5, 6, 7 }.Select(n => new ArchivedSegment(Segment((ulong)n), 1, DateTimeOffset.UnixEpoch))
            .Append(new ArchivedSegment(Segment(5, timeline: 2), 1, DateTimeOffset.UnixEpoch)).ToList();

        var coverage = WalSummaryCoverage.Of(_store, archived, 1, Segment(3).Start(Size) + 100, Size);

        // 3 to 6: 7, the newest, has no summary yet; 2 is before the parent's segment; timeline 2's 5 is another history.
        Assert.Equal(new WalSummaryCoverage(4, 1, Segment(5)), coverage);
        await WriteAsync(7, 70);
        Assert.Equal(new WalSummaryCoverage(5, 1, Segment(5)), WalSummaryCoverage.Of(_store, archived, 1, Segment(3).Start(Size), Size));
        await WriteAsync(5, 50);
        Assert.Equal(new WalSummaryCoverage(5, 0, null), WalSummaryCoverage.Of(_store, archived, 1, Segment(3).Start(Size), Size));
    }

    private static WalSegment Segment(ulong number, uint timeline = 1) => new(timeline, number);

    private async Task WriteAsync(ulong number, uint block, uint timeline = 1)
    {
        var summary = new WalBlockSummary();
        summary.AddBlock(Table, ForkNumber.Main, block);
        await _store.WriteAsync(Segment(number, timeline), summary, _ct);
    }
}
