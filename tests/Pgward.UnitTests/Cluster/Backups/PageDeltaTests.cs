using System.Buffers.Binary;
using System.IO.Hashing;
using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class PageDeltaTests
{
    private static RestoreBlockMap MapOf(byte[] data)
    {
        var pages = PageDelta.PagesOf(data.Length);
        var hashes = new byte[8 * pages];
        for (var i = 0; i < pages; i++)
        {
            var page = data.AsSpan(i * BlockRuns.PageSize, Math.Min(BlockRuns.PageSize, data.Length - i * BlockRuns.PageSize));
            BinaryPrimitives.WriteUInt64LittleEndian(hashes.AsSpan(8 * i), XxHash3.HashToUInt64(page));
        }
        return new RestoreBlockMap("base/1/16384", data.Length, BlockRuns.PageSize, PageDelta.Algorithm, hashes);
    }

    [Fact]
    public void Compare_finds_the_changed_pages_and_the_short_last_one()
    {
        var data = new byte[5 * BlockRuns.PageSize + 100];
        new Random(7).NextBytes(data);
        var map = MapOf(data);
        data[BlockRuns.PageSize + 5] ^= 1;
        data[^1] ^= 1;
        var differing = new List<int>();
        PageDelta.Compare(data.AsSpan(2 * BlockRuns.PageSize), 2, map, differing);
        Assert.Equal([5], differing);
        PageDelta.Compare(data.AsSpan(0, 2 * BlockRuns.PageSize), 0, map, differing);
        Assert.Equal([5, 1], differing);
    }

    [Fact]
    public void A_map_of_another_length_algorithm_or_page_size_is_not_used()
    {
        var map = MapOf(new byte[3 * BlockRuns.PageSize]);
        Assert.True(PageDelta.Usable(map, 3 * BlockRuns.PageSize));
        Assert.False(PageDelta.Usable(map, 3 * BlockRuns.PageSize + 1));
        Assert.False(PageDelta.Usable(map with { Algorithm = "SHA256" }, 3 * BlockRuns.PageSize));
        Assert.False(PageDelta.Usable(map with { PageSize = 4096 }, 3 * BlockRuns.PageSize));
        Assert.False(PageDelta.Usable(map with { Hashes = new byte[16] }, 3 * BlockRuns.PageSize));
    }

    [Theory]
    // Local as long as the piece or longer: all of it (the backup's short last page too).
    [InlineData(10 * 8192 + 100, 20 * 8192, 8 * 8192, 2 * 8192 + 100, 2 * 8192 + 100)]
    [InlineData(10 * 8192, 10 * 8192, 0, 4 * 8192, 4 * 8192)]
    // Local shorter: its whole pages within the piece, not its short last one.
    [InlineData(10 * 8192, 5 * 8192 + 10, 4 * 8192, 4 * 8192, 8192)]
    [InlineData(10 * 8192, 5 * 8192 - 1, 4 * 8192, 4 * 8192, 0)]
    [InlineData(10 * 8192, 3 * 8192, 4 * 8192, 4 * 8192, 0)]
    [InlineData(10 * 8192 + 100, 10 * 8192 + 50, 8 * 8192, 2 * 8192 + 100, 2 * 8192)]
    public void Comparable_length_is_the_whole_pages_of_the_backup_that_the_local_file_holds(long backup, long local, long offset, int length,
        int expected) =>
        Assert.Equal(expected, PageDelta.ComparableLength(backup, local, offset, length));

    [Fact]
    public void A_file_mostly_changed_is_fetched_whole()
    {
        Assert.False(PageDelta.FetchWhole(75, 100));
        Assert.True(PageDelta.FetchWhole(76, 100));
    }
}
