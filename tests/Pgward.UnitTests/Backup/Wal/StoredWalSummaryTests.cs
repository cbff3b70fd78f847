using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Backup.Wal.Summary;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

/// <summary>What an incremental takes from the receiver's summaries: those of the segments from the parent's start on,
/// as far as they go without a gap; the rest of the range is left to decode.</summary>
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
    public async Task Summaries_from_the_parents_segment_on_are_taken_up_to_the_first_gap()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);
        await WriteAsync(6, 60);

        var stored = _archived.Stored(1, Segment(3).Start(Size) + 100, Segment(7).Start(Size) + 50);

        Assert.Equal(2, stored.Segments);
        Assert.Equal(Segment(5).Start(Size), stored.LiveFrom);
        Assert.Null(stored.Problem);
        Assert.Equal([30u, 40u], stored.Summary.Changes(Table, ForkNumber.Main)!.Blocks);
    }

    [Fact]
    public async Task A_range_the_summaries_cover_leaves_nothing_to_decode()
    {
        await WriteAsync(3, 30);
        await WriteAsync(4, 40);

        var to = Segment(4).Start(Size) + 4096;
        var stored = _archived.Stored(1, Segment(3).Start(Size) + 100, to);

        Assert.Equal(2, stored.Segments);
        Assert.Equal(to, stored.LiveFrom);
    }

    [Fact]
    public async Task Without_a_summary_for_the_first_segment_the_whole_range_is_decoded()
    {
        await WriteAsync(4, 40);
        var from = Segment(3).Start(Size) + 100;

        var stored = _archived.Stored(1, from, Segment(5).Start(Size));

        Assert.Equal(0, stored.Segments);
        Assert.Equal(from, stored.LiveFrom);
        Assert.Equal(0, stored.Summary.FileCount);
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
        Assert.Equal(Segment(4).Start(Size), stored.LiveFrom);
        Assert.Contains("CRC-32C", stored.Problem, StringComparison.Ordinal);
        Assert.Contains(path, stored.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summaries_of_another_timeline_are_not_taken()
    {
        await WriteAsync(3, 30, timeline: 2);

        var stored = _archived.Stored(1, Segment(3).Start(Size), Segment(4).Start(Size));

        Assert.Equal(0, stored.Segments);
    }

    private static WalSegment Segment(ulong number, uint timeline = 1) => new(timeline, number);

    private async Task WriteAsync(ulong number, uint block, uint timeline = 1)
    {
        var summary = new WalBlockSummary();
        summary.AddBlock(Table, ForkNumber.Main, block);
        await _store.WriteAsync(Segment(number, timeline), summary, _ct);
    }
}
