using Pgward.Backup.Wal;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalPrefetchTests
{
    private const long Size = WalSegment.DefaultSize;

    [Fact]
    public void Ahead_names_the_next_segments_of_the_timeline_across_a_log_boundary()
    {
        Assert.Equal(["0000000200000003000000FF", "000000020000000400000000", "000000020000000400000001"],
            WalPrefetch.Ahead("0000000200000003000000FE", 4, Size));
    }

    [Fact]
    public void Ahead_follows_the_segment_size_the_server_announced()
    {
        // 64 MB segments: 64 of them per log id, the last one ...3F.
        Assert.Equal(["00000001000000000000003F", "000000010000000100000000"],
            WalPrefetch.Ahead("00000001000000000000003E", 3, 64 * 1024 * 1024));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Ahead_is_off_with_parallel_0_or_1(int parallel) =>
        Assert.Empty(WalPrefetch.Ahead("000000010000000000000003", parallel, Size));

    [Theory]
    [InlineData("00000002.history")]
    [InlineData("000000010000000000000003.partial")]
    [InlineData("not-a-wal-file")]
    public void Ahead_fetches_nothing_after_a_history_file_or_a_partial(string name) =>
        Assert.Empty(WalPrefetch.Ahead(name, 8, Size));

    [Fact]
    public void Stale_are_earlier_segments_other_timelines_and_leftovers_but_not_the_segments_ahead()
    {
        string[] spool =
        [
            "000000010000000000000004", // the one served, if still there
            "000000010000000000000003", // before it
            "000000010000000000000005", // ahead: kept
            "000000010000000000000009", // ahead: kept
            "000000020000000000000006", // another timeline
            "000000010000000000000006.AbC12.tmp", // a killed run's temporary file
        ];
        Assert.Equal(["000000010000000000000004", "000000010000000000000003", "000000020000000000000006", "000000010000000000000006.AbC12.tmp"],
            WalPrefetch.Stale("000000010000000000000004", spool, Size));
    }

    [Theory]
    [InlineData("00000002.history")]
    [InlineData("000000020000000000000004.partial")]
    public void Nothing_is_stale_after_a_history_file_or_a_partial(string served) =>
        Assert.Empty(WalPrefetch.Stale(served, ["000000010000000000000003", "junk"], Size));

    [Theory]
    [InlineData(1024 * 1024, true)]
    [InlineData(16 * 1024 * 1024, true)]
    [InlineData(1024L * 1024 * 1024, true)]
    [InlineData(512 * 1024, false)]
    [InlineData(2048L * 1024 * 1024, false)]
    [InlineData(3 * 1024 * 1024, false)]
    [InlineData(-1, false)]
    public void Segment_sizes_are_powers_of_two_from_1_MB_to_1_GB(long size, bool valid) =>
        Assert.Equal(valid, WalPrefetch.IsSegmentSize(size));

    [Fact]
    public void The_default_spool_is_outside_the_data_directory_and_differs_per_data_directory()
    {
        var one = WalPrefetch.DefaultSpoolDirectory("node1", "/srv/a/data");
        var other = WalPrefetch.DefaultSpoolDirectory("node1", "/srv/b/data");
        Assert.StartsWith("/var/tmp/pgward-wal-spool-node1-", one, StringComparison.Ordinal);
        Assert.NotEqual(one, other);
        Assert.Equal(one, WalPrefetch.DefaultSpoolDirectory("node1", "/srv/a/data/"));
        Assert.DoesNotContain("/", Path.GetFileName(WalPrefetch.DefaultSpoolDirectory("a/b c", "/d")), StringComparison.Ordinal);
    }
}
