using Pgward.Backup.Files;
using Pgward.Core.Checksums;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class BlockMapTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void A_map_reads_back_as_written_in_each_of_its_four_forms(bool masked, bool crcs)
    {
        var file = new byte[5 * BlockMap.BlockSize + 300];
        new Random(3).NextBytes(file);
        var builder = new BlockMapBuilder(masked, crcs);
        builder.Append(file);
        var map = builder.Build();

        var read = BlockMap.Parse(map.ToBytes());

        Assert.Equal(map.Length, read.Length);
        Assert.Equal(map.Hashes, read.Hashes);
        Assert.Equal(map.Loose, read.Loose);
        Assert.Equal(map.Crcs, read.Crcs);
        Assert.Equal(map.Flags, read.Flags);
        Assert.Equal(crcs, read.HasCrcs);
        Assert.Equal(crcs, BlockMap.HasCrcsHeader(map.ToBytes()));
        if (crcs)
        {
            var whole = new Crc32C();
            whole.Append(file);
            Assert.Equal(whole.Value, read.FileCrc());
            Assert.Equal(6, read.Crcs!.Length);
        }
    }

    [Fact]
    public void A_map_of_another_kind_or_cut_short_is_refused()
    {
        var builder = new BlockMapBuilder(masked: true, crcs: true);
        builder.Append(new byte[3 * BlockMap.BlockSize]);
        var bytes = builder.Build().ToBytes();
        Assert.Throws<InvalidDataException>(() => BlockMap.Parse(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => BlockMap.Parse("PGWBMAP9\0\0\0\0\0\0\0\0"u8));
    }
}
