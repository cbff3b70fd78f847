using System.Text;
using Pgward.Core.Compression;
using Xunit;

namespace Pgward.UnitTests.Core.Compression;

public sealed class Lz4BlockTests
{
    private const int BlockSize = 64 << 10;

    [Fact]
    public void The_system_liblz4_compresses_on_a_machine_that_has_it()
    {
        // scripts/install-deps installs liblz4-1 and the package depends on it: falling back here would halve the
        // backups' compression speed without anyone noticing.
        Assert.Equal("liblz4", Lz4Block.Engine);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(8192)]
    [InlineData(BlockSize - 1)]
    [InlineData(BlockSize)]
    public void What_either_implementation_writes_the_other_reads(int length)
    {
        var input = Sample(length);
        var bound = length + length / 255 + 16;

        var native = new byte[bound];
        var nativeLength = Lz4Block.Encode(input, native);
        var managed = new byte[bound];
        var managedLength = Lz4Block.EncodeManaged(input, managed);
        Assert.True(nativeLength > 0 && managedLength > 0);

        var decoded = new byte[length];
        Assert.Equal(length, Lz4Block.DecodeManaged(native.AsSpan(0, nativeLength), decoded));
        Assert.Equal(input, decoded);
        Array.Clear(decoded);
        Assert.Equal(length, Lz4Block.Decode(managed.AsSpan(0, managedLength), decoded));
        Assert.Equal(input, decoded);
    }

    [Fact]
    public void A_block_that_would_not_fit_its_target_is_refused_with_zero()
    {
        var input = new byte[BlockSize];
        new Random(11).NextBytes(input);
        Assert.Equal(0, Lz4Block.Encode(input, new byte[BlockSize]));
        Assert.Equal(0, Lz4Block.Encode(ReadOnlySpan<byte>.Empty, new byte[16]));
    }

    [Fact]
    public void A_damaged_or_cut_block_decodes_to_a_negative_length_not_past_its_target()
    {
        var input = Sample(BlockSize);
        var encoded = new byte[BlockSize];
        var length = Lz4Block.Encode(input, encoded);
        var target = new byte[BlockSize + 64];

        Assert.True(Lz4Block.Decode(encoded.AsSpan(0, length / 2), target.AsSpan(0, BlockSize)) < 0);
        // A target one byte short of what the block decodes to.
        Assert.True(Lz4Block.Decode(encoded.AsSpan(0, length), target.AsSpan(0, BlockSize - 1)) < 0);
        Assert.True(target.AsSpan(BlockSize).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(Lz4Block.Decode(ReadOnlySpan<byte>.Empty, target) < 0);

        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        Assert.True(Lz4Block.Decode(garbage, target.AsSpan(0, BlockSize)) < 0);
    }

    // Lines like pgbench_accounts' with md5 filler: compressible about 3:1, as a table is.
    private static byte[] Sample(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < length; i++)
        {
            text.Append(i).Append('|').Append(Convert.ToHexStringLower(BitConverter.GetBytes(i * 2654435761u))).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }
}
