using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class LsnTests
{
    [Theory]
    [InlineData("0/50007C8", 0x50007C8UL)]
    [InlineData("0/50007c8", 0x50007C8UL)]
    [InlineData("1/0", 0x1_0000_0000UL)]
    [InlineData("FFFFFFFF/FFFFFFFF", ulong.MaxValue)]
    [InlineData("0/0", 0UL)]
    public void Parse_reads_both_hex_halves_when_well_formed(string text, ulong expected) =>
        Assert.Equal(expected, Lsn.Parse(text).Value);

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("/1")]
    [InlineData("1/")]
    [InlineData("0/123456789")]
    [InlineData("0/G")]
    [InlineData(" 0/1")]
    [InlineData("0/1/2")]
    [InlineData("-1/0")]
    public void TryParse_refuses_text_when_not_an_lsn(string text)
    {
        Assert.False(Lsn.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Lsn.Parse(text));
    }

    [Fact]
    public void TryParse_refuses_null() => Assert.False(Lsn.TryParse(null, out _));

    [Theory]
    [InlineData("0/50007C8")]
    [InlineData("0/0")]
    [InlineData("16/B374D848")]
    public void ToString_prints_uppercase_hex_like_postgres_when_round_tripped(string text) =>
        Assert.Equal(text, Lsn.Parse(text).ToString());

    [Fact]
    public void Comparison_orders_by_position_across_the_high_half()
    {
        var low = Lsn.Parse("0/FFFFFFFF");
        var high = Lsn.Parse("1/0");
        Assert.True(low < high);
        Assert.True(high > low);
        Assert.True(low <= Lsn.Parse("0/FFFFFFFF"));
        Assert.True(high >= low);
        Assert.Equal(-1, low.CompareTo(high));
        Assert.Equal(Lsn.Parse("1/0"), high);
    }

    [Fact]
    public void Subtraction_gives_signed_bytes_between_positions()
    {
        Assert.Equal(1L, Lsn.Parse("1/0") - Lsn.Parse("0/FFFFFFFF"));
        Assert.Equal(-0x100L, Lsn.Parse("0/100") - Lsn.Parse("0/200"));
        Assert.Equal(Lsn.Parse("1/0"), Lsn.Parse("0/FFFFFFFF") + 1);
    }

    [Fact]
    public void Invalid_is_zero_and_not_valid()
    {
        Assert.Equal("0/0", Lsn.Invalid.ToString());
        Assert.False(Lsn.Invalid.IsValid);
        Assert.True(Lsn.Parse("0/1").IsValid);
    }

    [Theory]
    [InlineData("0/A000000", 1u, 16L * 1024 * 1024, "00000001000000000000000A")]
    [InlineData("0/A0007C8", 1u, 16L * 1024 * 1024, "00000001000000000000000A")]
    [InlineData("1/FF000000", 2u, 16L * 1024 * 1024, "0000000200000001000000FF")]
    [InlineData("0/50007C8", 1u, 1L * 1024 * 1024, "000000010000000000000050")]
    [InlineData("3/40000000", 10u, 1L << 30, "0000000A0000000300000001")]
    public void SegmentName_names_the_wal_file_holding_the_position(string lsn, uint timeline, long segmentSize, string expected) =>
        Assert.Equal(expected, Lsn.Parse(lsn).SegmentName(timeline, segmentSize));

    [Theory]
    [InlineData(0L)]
    [InlineData(3L * 1024 * 1024)]
    [InlineData(2L << 30)]
    public void SegmentName_throws_when_segment_size_is_not_a_valid_power_of_two(long segmentSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Lsn.Invalid.SegmentName(1, segmentSize));
}
