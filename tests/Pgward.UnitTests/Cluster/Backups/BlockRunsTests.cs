using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class BlockRunsTests
{
    [Fact]
    public void Encoded_blocks_decode_at_their_place_compressible_or_not()
    {
        var size = 2L * BlockRuns.BlockSize + 1000;
        var data = new byte[size];
        new Random(3).NextBytes(data.AsSpan(BlockRuns.BlockSize));
        var run = new byte[BlockRuns.MaxRunLength];
        var used = 0;
        for (var i = 0; i < 3; i++)
        {
            used += BlockRuns.Encode(data.AsSpan(i * BlockRuns.BlockSize, BlockRuns.BlockLength(size, i)), run.AsSpan(used));
        }
        var output = new byte[BlockRuns.MaxBlocksPerRun * BlockRuns.BlockSize];
        Assert.Equal(size, BlockRuns.Decode(run.AsSpan(0, used), 0, size, output));
        Assert.True(output.AsSpan(0, (int)size).SequenceEqual(data));
    }

    [Fact]
    public void A_block_that_decodes_short_where_a_whole_one_belongs_is_refused()
    {
        var run = new byte[BlockRuns.MaxRunLength];
        var used = BlockRuns.Encode(new byte[1000], run);
        var output = new byte[BlockRuns.MaxBlocksPerRun * BlockRuns.BlockSize];
        Assert.Throws<InvalidDataException>(() => BlockRuns.Decode(run.AsSpan(0, used), 0, 3L * BlockRuns.BlockSize, output));
        // As the file's last block it is right.
        Assert.Equal(1000, BlockRuns.Decode(run.AsSpan(0, used), 2, 2L * BlockRuns.BlockSize + 1000, output));
    }

    [Fact]
    public void A_block_past_the_file_end_is_refused()
    {
        var run = new byte[BlockRuns.MaxRunLength];
        var used = BlockRuns.Encode(new byte[100], run);
        var output = new byte[BlockRuns.MaxBlocksPerRun * BlockRuns.BlockSize];
        Assert.Throws<InvalidDataException>(() => BlockRuns.Decode(run.AsSpan(0, used), 1, 100, output));
    }
}
