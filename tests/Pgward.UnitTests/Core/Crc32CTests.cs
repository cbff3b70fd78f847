using System.Text;
using Pgward.Core.Checksums;
using Xunit;

namespace Pgward.UnitTests.Core;

public sealed class Crc32CTests
{
    [Fact]
    public void Of_gives_the_check_value_of_crc32c() => Assert.Equal(0xE3069283u, Crc32C.Of(Encoding.ASCII.GetBytes("123456789")));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    [InlineData(1, 1)]
    [InlineData(13, 1 << 20)]
    [InlineData(1 << 20, (1 << 20) + 7)]
    public void Combine_joins_the_crcs_of_two_pieces_into_the_crc_of_both(int lengthA, int lengthB)
    {
        var data = new byte[lengthA + lengthB];
        new Random(lengthA * 31 + lengthB).NextBytes(data);
        var a = Crc32C.Of(data.AsSpan(0, lengthA));
        var b = Crc32C.Of(data.AsSpan(lengthA));
        Assert.Equal(Crc32C.Of(data), Crc32C.Combine(a, b, lengthB));
    }

    [Fact]
    public void FromValue_continues_a_finished_crc()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        var crc = Crc32C.FromValue(Crc32C.Of(data.AsSpan(0, 4)));
        crc.Append(data.AsSpan(4));
        Assert.Equal(0xE3069283u, crc.Value);
    }
}
