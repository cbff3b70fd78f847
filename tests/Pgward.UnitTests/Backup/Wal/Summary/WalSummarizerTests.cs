using Pgward.Backup.Wal.Summary;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>Reading WAL as PostgreSQL lays it out: pages, records across pages and segments, switches, the range's
/// bounds, and every way the bytes can fail to hold the records a summary needs.</summary>
public sealed class WalSummarizerTests
{
    private static readonly RelFileId Index = new(1663, 5, 16390);

    [Fact]
    public void Records_in_one_page_are_summarised_block_by_block()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(7));
        wal.Append(Touch(3));
        wal.Append(Touch(7));

        var summary = Summarize(wal, first, wal.Position);

        var changes = Assert.IsType<ForkChanges>(summary.Changes(Index, ForkNumber.Main));
        Assert.Null(changes.Limit);
        Assert.Equal([3u, 7u], changes.Blocks);
        Assert.Equal(1, summary.FileCount);
        Assert.Null(summary.Changes(Index, ForkNumber.Fsm));
    }

    [Fact]
    public void A_record_spanning_pages_is_put_back_together()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var big = wal.Append(Touch(2, dataLength: 20_000));
        wal.Append(Touch(3));

        Assert.True(wal.Position - big > 2 * TestWal.PageSize, "the record should span three pages");
        Assert.Equal([1u, 2u, 3u], Blocks(Summarize(wal, first, wal.Position)));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    public void A_record_whose_header_crosses_a_page_boundary_is_read(int bytesOnFirstPage)
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.FillUntil(wal.Start + 2 * TestWal.PageSize - (ulong)bytesOnFirstPage);
        var split = wal.Append(Touch(2));
        wal.Append(Touch(3));

        Assert.Equal(wal.Start + 2 * TestWal.PageSize - (ulong)bytesOnFirstPage, split);
        Assert.Equal([1u, 2u, 3u], Blocks(Summarize(wal, first, wal.Position)));
    }

    [Fact]
    public void A_record_across_a_segment_boundary_is_read()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.FillUntil(wal.Start + TestWal.SegmentSize - 16);
        var across = wal.Append(Touch(2, dataLength: 300));
        var after = wal.Append(Touch(3));

        Assert.True(across < wal.Start + TestWal.SegmentSize && after > wal.Start + TestWal.SegmentSize);
        Assert.Equal(2, wal.Segments().Count);
        Assert.Equal([1u, 2u, 3u], Blocks(Summarize(wal, first, wal.Position)));
    }

    [Fact]
    public void A_record_beginning_at_a_page_boundary_comes_after_the_page_header()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.FillUntil(wal.Start + TestWal.PageSize + 24);
        var atPage = wal.Append(Touch(2));

        Assert.Equal(wal.Start + TestWal.PageSize + 24, atPage);
        Assert.Equal([1u], Blocks(Summarize(wal, first, wal.Start + TestWal.PageSize)));
        Assert.Equal([1u], Blocks(Summarize(wal, first, atPage)));
        Assert.Equal([1u, 2u], Blocks(Summarize(wal, first, atPage + 1)));
    }

    [Fact]
    public void After_a_switch_the_rest_of_the_segment_is_not_read_and_records_go_on_in_the_next()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.Switch(fill: 0xEE);
        var next = wal.Append(Touch(2));

        Assert.Equal(wal.Start + TestWal.SegmentSize + 40, next);
        Assert.Equal([1u, 2u], Blocks(Summarize(wal, first, wal.Position)));
    }

    [Fact]
    public void A_range_that_ends_in_a_switchs_padding_needs_no_next_segment()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var switchRecord = wal.Switch();
        var segments = wal.Segments();
        var nextSegment = wal.Start + TestWal.SegmentSize;

        Assert.Single(segments);
        foreach (var to in new[] { switchRecord + 24, nextSegment - 8, nextSegment, nextSegment + 40 })
        {
            var result = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, first, to);
            Assert.True(result.Problem is null, result.Problem);
        }
        var beyond = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, first, nextSegment + 48);
        Assert.Contains("no segment was given", beyond.Problem, StringComparison.Ordinal);
        Assert.Null(beyond.Summary);
    }

    [Fact]
    public void Records_before_from_and_from_to_on_are_left_out()
    {
        var wal = new TestWal();
        var a = wal.Append(Touch(1));
        var b = wal.Append(Touch(2));
        var c = wal.Append(Touch(3));

        Assert.Equal([2u], Blocks(Summarize(wal, b, c)));
        Assert.Equal([2u, 3u], Blocks(Summarize(wal, a + 8, c + 1)));
        Assert.Equal([1u, 2u], Blocks(Summarize(wal, wal.Start, c)));
        Assert.Equal(0, Summarize(wal, b, b).FileCount);
    }

    [Fact]
    public void The_rest_of_a_record_begun_in_an_earlier_segment_is_skipped()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));
        wal.FillUntil(wal.Start + TestWal.SegmentSize - 48);
        wal.Append(Touch(2, dataLength: 9_000));
        var after = wal.Append(Touch(3));
        var second = wal.Start + TestWal.SegmentSize;

        var result = WalSummarizer.Summarize(wal.Segments().Skip(1), second, TestWal.SegmentSize, second, wal.Position);

        Assert.True(after > second + TestWal.PageSize, "the record begun in the first segment should fill the second's first page");
        Assert.True(result.Problem is null, result.Problem);
        Assert.Equal([3u], Blocks(result.Summary!));
    }

    [Fact]
    public void A_record_failing_its_crc_is_a_problem_naming_it()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var damaged = wal.Append(Touch(2));
        wal.Append(Touch(3));
        wal.Corrupt(damaged + 30);

        var problem = Problem(wal, first, wal.Position);

        Assert.Contains($"the record at {new Lsn(damaged)} fails its CRC check", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_record_before_to_fails_the_summary_even_when_only_its_blocks_are_wanted_after_it()
    {
        var wal = new TestWal();
        var damaged = wal.Append(Touch(1));
        var wanted = wal.Append(Touch(2));
        wal.Corrupt(damaged + 30);

        Assert.Contains(new Lsn(damaged).ToString(), Problem(wal, wanted, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_before_to_that_a_short_last_segment_cuts_off_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var last = wal.Append(Touch(2, dataLength: 200));
        var end = wal.Position;

        foreach (var kept in new[] { last - wal.Start, last - wal.Start + 2, last - wal.Start + 100, end - wal.Start - 8 })
        {
            var segments = new[] { wal.Segments()[0][..(int)kept] };
            var result = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, first, end);
            Assert.Contains($"the record at {new Lsn(last)} is not complete in the WAL given", result.Problem, StringComparison.Ordinal);
            Assert.Contains($"only {kept} of its", result.Problem, StringComparison.Ordinal);
        }
        var whole = new[] { wal.Segments()[0][..(int)(end - wal.Start)] };
        Assert.Null(WalSummarizer.Summarize(whole, wal.Start, TestWal.SegmentSize, first, end).Problem);
        var upToLast = new[] { wal.Segments()[0][..(int)(last - wal.Start)] };
        Assert.Null(WalSummarizer.Summarize(upToLast, wal.Start, TestWal.SegmentSize, first, last).Problem);
    }

    [Fact]
    public void A_record_running_into_a_segment_not_given_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.FillUntil(wal.Start + TestWal.SegmentSize - 16);
        var across = wal.Append(Touch(2, dataLength: 300));

        var result = WalSummarizer.Summarize(wal.Segments().Take(1), wal.Start, TestWal.SegmentSize, first, wal.Position);

        Assert.Contains($"the record at {new Lsn(across)} is not complete in the WAL given: no segment was given for {new Lsn(wal.Start + TestWal.SegmentSize)} on",
            result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Wal_that_ends_before_to_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var end = wal.Position;

        Assert.Contains($"the WAL ends at {new Lsn(end)}", Problem(wal, first, end + 64), StringComparison.Ordinal);
        Assert.Null(WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, first, end).Problem);
    }

    [Fact]
    public void A_page_with_another_pages_address_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.Append(Touch(2, dataLength: 10_000));
        var page = wal.Start + TestWal.PageSize;
        wal.Poke(page + 8, BitConverter.GetBytes(page + 16 * TestWal.SegmentSize));

        Assert.Contains($"the WAL page at {new Lsn(page)} says it is at", Problem(wal, first, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_with_another_magic_number_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.Append(Touch(2, dataLength: 10_000));
        wal.Poke(wal.Start + TestWal.PageSize, [0x13, 0xD1]);

        Assert.Contains("has magic number D113, not D110", Problem(wal, first, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_of_another_size_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.Poke(wal.Start + 32, BitConverter.GetBytes(16u << 20));

        Assert.Contains("from segments of 16777216 bytes", Problem(wal, first, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_naming_the_wrong_record_before_it_is_a_problem()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        var second = wal.Append(Touch(2));
        wal.Poke(second + 8, BitConverter.GetBytes(first - 8));

        Assert.Contains($"the record at {new Lsn(second)} says the record before it is at {new Lsn(first - 8)}, not {new Lsn(first)}",
            Problem(wal, first, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_cut_short_by_a_crash_and_written_over_is_skipped_as_replay_skips_it()
    {
        var wal = new TestWal();
        var first = wal.Append(Touch(1));
        wal.FillUntil(wal.Start + 2 * TestWal.PageSize - 64);
        wal.AppendCutShort(Touch(99, dataLength: 300));
        var overwrite = wal.Append(ResourceManager.Xlog, 0xD0, new TestRecord(ResourceManager.Xlog, 0xD0).Main(new byte[16]).Body());
        wal.Append(Touch(3));

        Assert.Equal(wal.Start + 2 * TestWal.PageSize + 24, overwrite);
        Assert.Equal([1u, 3u], Blocks(Summarize(wal, first, wal.Position)));
    }

    [Fact]
    public void Records_wanted_from_before_the_first_segment_are_a_problem()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));

        Assert.Contains("the first segment given starts at", Problem(wal, wal.Start - 8, wal.Position), StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_that_describe_no_wal_are_refused()
    {
        var wal = new TestWal();
        wal.Append(Touch(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => WalSummarizer.Summarize(wal.Segments(), wal.Start, 8192, wal.Start, wal.Position));
        Assert.Throws<ArgumentException>(() => WalSummarizer.Summarize(wal.Segments(), wal.Start + 8192, TestWal.SegmentSize, wal.Start + 8192, wal.Position));
        Assert.Throws<ArgumentOutOfRangeException>(() => WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, wal.Position, wal.Start));
    }

    /// <summary>A B-tree record touching one block of <see cref="Index"/> (not a heap record, so no visibility map page
    /// comes with it), with <paramref name="dataLength"/> bytes of block data.</summary>
    private static TestRecord Touch(uint block, int dataLength = 3) =>
        new TestRecord(ResourceManager.Btree, 0x00).Block(0, Index, ForkNumber.Main, block, data: new byte[dataLength]);

    private static WalBlockSummary Summarize(TestWal wal, ulong from, ulong to)
    {
        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, from, to);
        Assert.True(result.Problem is null, result.Problem);
        return result.Summary!;
    }

    private static string Problem(TestWal wal, ulong from, ulong to)
    {
        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, from, to);
        Assert.Null(result.Summary);
        return Assert.IsType<string>(result.Problem);
    }

    private static IReadOnlyList<uint> Blocks(WalBlockSummary summary) => summary.Changes(Index, ForkNumber.Main)?.Blocks ?? [];
}
