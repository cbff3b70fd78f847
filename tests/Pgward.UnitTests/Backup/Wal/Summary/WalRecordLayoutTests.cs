using Pgward.Backup.Wal.Summary;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>Finding every block reference in a record's headers: relations named once for several blocks, images
/// with and without holes and compression, the other headers between them, and headers that do not add up.</summary>
public sealed class WalRecordLayoutTests
{
    private static readonly RelFileId Table = new(1663, 5, 16384);
    private static readonly RelFileId Index = new(1663, 5, 16390);
    private static readonly RelFileId Shared = new(1664, 0, 1262);

    [Fact]
    public void Blocks_of_the_same_relation_take_the_relation_of_the_block_before()
    {
        var record = new TestRecord(ResourceManager.Btree, 0x00)
            .Block(0, Index, ForkNumber.Main, 10, data: [1])
            .Block(1, Index, ForkNumber.Main, 11, sameRelation: true)
            .Block(2, Shared, ForkNumber.Main, 4)
            .Block(3, Shared, ForkNumber.Main, 5, sameRelation: true)
            .Main([9, 9, 9]);

        var summary = SummarizeOne(record);

        Assert.Equal([10u, 11u], summary.Changes(Index, ForkNumber.Main)!.Blocks);
        Assert.Equal([4u, 5u], summary.Changes(Shared, ForkNumber.Main)!.Blocks);
    }

    [Fact]
    public void Images_with_holes_and_compression_are_stepped_over_by_their_own_lengths()
    {
        var record = new TestRecord(ResourceManager.Btree, 0x00)
            // Compressed with a hole: the image header is followed by the hole's length.
            .Block(0, Index, ForkNumber.Main, 5, data: new byte[50],
                image: new TestImage(Filled(1000), 200, TestImage.HasHole | TestImage.Pglz | TestImage.Apply, HoleLength: 3000))
            // Not compressed, with a hole: the hole is whatever the image lacks of a page, no length written.
            .Block(1, Index, ForkNumber.Main, 6, sameRelation: true,
                image: new TestImage(Filled(8192 - 4000), 100, TestImage.HasHole | TestImage.Apply))
            // Compressed without a hole, and a whole page: no hole length either.
            .Block(2, Index, ForkNumber.Main, 7, sameRelation: true, image: new TestImage(Filled(700), 0, TestImage.Zstd))
            .Block(3, Index, ForkNumber.Main, 8, sameRelation: true, image: new TestImage(Filled(650), 0, TestImage.Lz4))
            .Block(4, Table, ForkNumber.Fsm, 9, image: new TestImage(Filled(8192), 0, TestImage.Apply))
            .Main(Filled(20));

        var summary = SummarizeOne(record);

        Assert.Equal([5u, 6u, 7u, 8u], summary.Changes(Index, ForkNumber.Main)!.Blocks);
        Assert.Equal([9u], summary.Changes(Table, ForkNumber.Fsm)!.Blocks);
    }

    [Fact]
    public void Origin_and_top_level_xid_headers_and_long_main_data_are_read_past()
    {
        var record = new TestRecord(ResourceManager.Hash, 0x10)
            .Block(0, Index, ForkNumber.Main, 1, data: [7])
            .Block(5, Index, ForkNumber.Init, 0, sameRelation: true)
            .Origin(3)
            .TopLevelXid(900)
            .Main(Filled(1000));

        var summary = SummarizeOne(record);

        Assert.Equal([1u], summary.Changes(Index, ForkNumber.Main)!.Blocks);
        Assert.Equal([0u], summary.Changes(Index, ForkNumber.Init)!.Blocks);
    }

    [Fact]
    public void A_record_without_main_data_ends_with_its_blocks_data()
    {
        var record = new TestRecord(ResourceManager.Gin, 0x00)
            .Block(0, Index, ForkNumber.Main, 3, data: Filled(255))
            .Block(1, Index, ForkNumber.Main, 4, data: Filled(2), sameRelation: true);

        Assert.Equal([3u, 4u], SummarizeOne(record).Changes(Index, ForkNumber.Main)!.Blocks);
    }

    [Fact]
    public void A_heap_record_also_counts_the_visibility_map_page_of_each_heap_block()
    {
        var record = new TestRecord(ResourceManager.Heap, 0x00)
            .Block(0, Table, ForkNumber.Main, 40_000, data: [1])
            .Block(1, Table, ForkNumber.Main, 5, sameRelation: true);

        var summary = SummarizeOne(record);

        Assert.Equal([5u, 40_000u], summary.Changes(Table, ForkNumber.Main)!.Blocks);
        Assert.Equal([0u, 1u], summary.Changes(Table, ForkNumber.VisibilityMap)!.Blocks);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0x10, 0, 0, 5, 0 }, "its headers run past its end")]
    [InlineData(new byte[] { 40, 0, 0, 0 }, "it has a header with id 40")]
    [InlineData(new byte[] { 0, 0x80, 0, 0, 1, 0, 0, 0 }, "its first block says it is in the same relation")]
    [InlineData(new byte[] { 0, 0x20, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }, "does not fit its flags")]
    [InlineData(new byte[] { 0, 0x04, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }, "a block is in fork 4")]
    [InlineData(new byte[] { 255, 8, 1, 2, 3 }, "its headers announce 8 bytes of data, but 3 follow them")]
    public void Headers_that_do_not_add_up_are_a_problem(byte[] body, string expected)
    {
        var wal = new TestWal();
        var lsn = wal.Append(ResourceManager.Btree, 0x00, body);

        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, lsn, wal.Position);

        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_ids_out_of_order_are_a_problem()
    {
        var record = new TestRecord(ResourceManager.Btree, 0x00)
            .Block(1, Index, ForkNumber.Main, 1)
            .Block(1, Index, ForkNumber.Main, 2, sameRelation: true);
        var wal = new TestWal();
        var lsn = wal.Append(record);

        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, lsn, wal.Position);

        Assert.Contains("block id 1 comes after block id 1", result.Problem, StringComparison.Ordinal);
    }

    internal static WalBlockSummary SummarizeOne(params TestRecord[] records)
    {
        var wal = new TestWal();
        var first = records.Select(wal.Append).ToList()[0];
        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, first, wal.Position);
        Assert.True(result.Problem is null, result.Problem);
        return result.Summary!;
    }

    private static byte[] Filled(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];
}
