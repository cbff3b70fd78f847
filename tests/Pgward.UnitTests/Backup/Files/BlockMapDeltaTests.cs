using Pgward.Backup.Files;
using Pgward.Core.Checksums;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class BlockMapDeltaTests
{
    private const int Block = BlockMap.BlockSize;

    private static BlockMap MapOf(byte[] file, bool masked = false)
    {
        var builder = new BlockMapBuilder(masked, crcs: true);
        builder.Append(file);
        return builder.Build();
    }

    /// <summary>The delta of <paramref name="now"/>'s blocks <paramref name="read"/>, as the agent builds it.</summary>
    private static BlockMapDelta DeltaOf(byte[] now, int[] read, bool masked = false)
    {
        var builder = new BlockMapBuilder(masked, crcs: true);
        foreach (var i in read)
        {
            builder.AppendBlock(now.AsSpan(i * Block, Math.Min(Block, now.Length - i * Block)));
        }
        return new BlockMapDelta(now.Length, read, builder.Build());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Laid_over_the_parents_map_it_is_the_map_of_the_new_file_and_gives_its_crc(bool masked)
    {
        var parent = new byte[8 * Block];
        new Random(5).NextBytes(parent);
        // Blocks 2 and 6 rewritten, the file grown by a block and a half.
        var now = new byte[9 * Block + 100];
        parent.CopyTo(now, 0);
        new Random(6).NextBytes(now.AsSpan(2 * Block, Block));
        new Random(7).NextBytes(now.AsSpan(6 * Block, Block));
        new Random(8).NextBytes(now.AsSpan(8 * Block));
        var delta = BlockMapDelta.Parse(DeltaOf(now, [2, 6, 8, 9], masked).ToBytes());

        var merged = delta.Apply(MapOf(parent, masked));

        var expected = MapOf(now, masked);
        Assert.Equal(expected.Length, merged.Length);
        Assert.Equal(expected.Hashes, merged.Hashes);
        Assert.Equal(expected.Loose, merged.Loose);
        Assert.Equal(expected.Crcs, merged.Crcs);
        var crc = new Crc32C();
        crc.Append(now);
        Assert.Equal(crc.Value, merged.FileCrc());
    }

    [Fact]
    public void A_block_neither_read_nor_a_whole_block_of_the_parent_is_refused()
    {
        var parent = MapOf(new byte[4 * Block + 10]);
        var now = new byte[6 * Block];
        // Block 4 is short in the parent, block 5 past its end: both must have been read.
        Assert.Throws<InvalidDataException>(() => DeltaOf(now, [5]).Apply(parent));
        Assert.Throws<InvalidDataException>(() => DeltaOf(now, [4]).Apply(parent));
        DeltaOf(now, [4, 5]).Apply(parent);
        // A block named past the new file's end, and a parent map without CRCs or of another masking.
        Assert.Throws<InvalidDataException>(() => new BlockMapDelta(2 * Block, [3], DeltaOf(now, [3]).Entries).Apply(parent));
        var plain = new BlockMapBuilder(masked: false, crcs: false);
        plain.Append(new byte[6 * Block]);
        Assert.Throws<InvalidDataException>(() => DeltaOf(now, [4, 5]).Apply(plain.Build()));
        Assert.Throws<InvalidDataException>(() => DeltaOf(now, [4, 5], masked: true).Apply(parent));
    }

    [Fact]
    public void A_damaged_delta_is_refused()
    {
        var bytes = DeltaOf(new byte[3 * Block], [0, 2]).ToBytes();
        Assert.Throws<InvalidDataException>(() => BlockMapDelta.Parse(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => BlockMapDelta.Parse("PGWBMAP4"u8));
        var unordered = (byte[])bytes.Clone();
        (unordered[20], unordered[24]) = (unordered[24], unordered[20]);
        Assert.Throws<InvalidDataException>(() => BlockMapDelta.Parse(unordered));
    }
}
