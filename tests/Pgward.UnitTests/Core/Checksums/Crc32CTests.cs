using System.Text;
using Pgward.Core.Checksums;
using Xunit;

namespace Pgward.UnitTests.Core.Checksums;

public sealed class Crc32CTests
{
    [Fact]
    public void The_check_value_of_the_standard_is_computed()
    {
        var crc = new Crc32C();
        crc.Append(Encoding.ASCII.GetBytes("123456789"));
        Assert.Equal(0xE3069283u, crc.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(12_287)]
    [InlineData(12_288)]
    [InlineData(12_289)]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 4_093)]
    public void Three_chains_side_by_side_give_the_crc_of_one_chain_whatever_the_length_and_the_pieces(int length)
    {
        var random = new Random(length);
        var data = new byte[length];
        random.NextBytes(data);
        var serial = Crc32C.Serial(0xFFFFFFFF, data) ^ 0xFFFFFFFF;

        var whole = new Crc32C();
        whole.Append(data);
        Assert.Equal(serial, whole.Value);

        // In pieces of odd sizes, as a stream reads them: a round never spans two calls.
        var pieces = new Crc32C();
        for (var offset = 0; offset < length;)
        {
            var size = Math.Min(length - offset, random.Next(1, 40_000));
            pieces.Append(data.AsSpan(offset, size));
            offset += size;
        }
        Assert.Equal(serial, pieces.Value);
    }

    [Theory]
    [InlineData(8192)]
    [InlineData(8191)]
    [InlineData(100)]
    public void A_page_in_three_chains_has_the_crc_of_one_chain(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.Equal(Crc32C.Serial(0xFFFFFFFF, data) ^ 0xFFFFFFFF, Crc32C.OfPage(data));
    }

    [Fact]
    public void A_files_crc_is_its_blocks_crcs_combined_whatever_the_last_blocks_length()
    {
        var data = new byte[5 * 8192 + 1234];
        new Random(7).NextBytes(data);
        var whole = new Crc32C();
        whole.Append(data);

        var combined = Crc32C.OfPage(data.AsSpan(0, 8192));
        for (var offset = 8192; offset < data.Length; offset += 8192)
        {
            var block = data.AsSpan(offset, Math.Min(8192, data.Length - offset));
            combined = Crc32C.Combine(combined, Crc32C.OfPage(block), block.Length);
        }
        Assert.Equal(whole.Value, combined);
        Assert.Equal(whole.Value, Crc32C.Combine(whole.Value, new Crc32C().Value, 0));
    }
}
