using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalSegmentTests
{
    [Theory]
    [InlineData("00000002000000000000002B", 2u, 0x2BUL)]
    [InlineData("0000000100000001000000FF", 1u, 0x1FFUL)]
    public void Segment_names_parse_and_print_as_PostgreSQL_writes_them(string name, uint timeline, ulong number)
    {
        Assert.True(WalSegment.TryParse(name, WalSegment.DefaultSize, out var segment));
        Assert.Equal(new WalSegment(timeline, number), segment);
        Assert.Equal(name, segment.Name(WalSegment.DefaultSize));
    }

    [Theory]
    [InlineData("00000002000000000000002b")]
    [InlineData("000000020000000000000100")]
    [InlineData("000000000000000000000001")]
    [InlineData("00000002000000000000002")]
    public void Malformed_segment_names_are_refused(string name) =>
        Assert.False(WalSegment.TryParse(name, WalSegment.DefaultSize, out _));

    [Fact]
    public void The_segment_holding_an_lsn_matches_PostgreSQLs_pg_walfile_name()
    {
        var segment = WalSegment.Containing(2, Lsn.Parse("0/2B000028"), WalSegment.DefaultSize);
        Assert.Equal("00000002000000000000002B", segment.Name(WalSegment.DefaultSize));
        Assert.Equal(Lsn.Parse("0/2B000028").SegmentName(2), segment.Name(WalSegment.DefaultSize));
        Assert.Equal(Lsn.Parse("0/2C000000"), segment.End(WalSegment.DefaultSize));
    }

    [Fact]
    public void Segments_order_by_position_then_timeline_whatever_their_names_say()
    {
        var names = new[] { "000000020000000000000005", "000000010000000000000006", "000000010000000000000005", "000000030000000000000004" };
        var ordered = names.Select(FakeSegment.Parse).Order().Select(s => s.Name(WalSegment.DefaultSize));
        Assert.Equal(["000000030000000000000004", "000000010000000000000005", "000000020000000000000005", "000000010000000000000006"], ordered);
    }

    [Theory]
    [InlineData("000000010000000000000003", WalFileKind.Segment, 1u)]
    [InlineData("000000010000000000000003.partial", WalFileKind.Partial, 1u)]
    [InlineData("0000000A.history", WalFileKind.History, 10u)]
    public void Wal_file_names_are_told_apart(string name, WalFileKind kind, uint timeline)
    {
        Assert.True(WalFileName.TryParse(name, WalSegment.DefaultSize, out var file));
        Assert.Equal(kind, file.Kind);
        Assert.Equal(timeline, file.Timeline);
    }

    [Theory]
    [InlineData("00000000.history")]
    [InlineData("0000000a.history")]
    [InlineData("000000010000000000000003.00000028.backup")]
    [InlineData("RECOVERYXLOG")]
    public void Other_names_are_not_wal_files(string name) => Assert.False(WalFileName.TryParse(name, WalSegment.DefaultSize, out _));
}
