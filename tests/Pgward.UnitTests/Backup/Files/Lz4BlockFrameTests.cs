using System.Text;
using K4os.Compression.LZ4.Streams;
using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class Lz4BlockFrameTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(Lz4BlockFrame.BlockSize, 1)]
    [InlineData(5 * Lz4BlockFrame.BlockSize + 123, 1)]
    [InlineData(5 * Lz4BlockFrame.BlockSize + 123, 2 * Lz4BlockFrame.BlockSize)]
    [InlineData(3_000_000, 1 << 20)]
    public void Pieces_compressed_apart_and_concatenated_decode_as_one_lz4_stream(int length, int piece)
    {
        var input = Sample(length);
        var decoded = Decode(Frame(input, Math.Max(piece, 1)));
        Assert.Equal(input, decoded);
    }

    [Fact]
    public void Incompressible_blocks_are_stored_as_they_are_and_still_decode()
    {
        var input = new byte[3 * Lz4BlockFrame.BlockSize + 17];
        new Random(7).NextBytes(input);
        var output = new byte[Lz4BlockFrame.MaxEncodedLength(input.Length)];
        var written = Lz4BlockFrame.Encode(input, output);
        Assert.Equal(input.Length + 4 * 4, written);
        Assert.Equal(input, Decode(Frame(input, input.Length)));
    }

    [Fact]
    public void Repetitive_blocks_are_compressed()
    {
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1|0|c4ca4238a0b923820dcc509a6f75849b\n", 100_000)));
        var frame = Frame(input, 1 << 20);
        Assert.True(frame.Length < input.Length / 10, $"{input.Length} bytes compressed to {frame.Length}");
        Assert.Equal(input, Decode(frame));
    }

    /// <summary>Header, each piece encoded on its own, end mark: what the agent sends.</summary>
    private static byte[] Frame(byte[] input, int piece)
    {
        using var frame = new MemoryStream();
        frame.Write(Lz4BlockFrame.Header.Span);
        for (var offset = 0; offset < input.Length; offset += piece)
        {
            var chunk = input.AsSpan(offset, Math.Min(piece, input.Length - offset));
            var output = new byte[Lz4BlockFrame.MaxEncodedLength(chunk.Length)];
            frame.Write(output, 0, Lz4BlockFrame.Encode(chunk, output));
        }
        frame.Write(Lz4BlockFrame.EndMark.Span);
        return frame.ToArray();
    }

    private static byte[] Decode(byte[] frame)
    {
        using var decoder = LZ4Stream.Decode(new MemoryStream(frame));
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Rows of a number and an md5-like hex string, as pgbench_accounts with md5 filler holds them.</summary>
    private static byte[] Sample(int length)
    {
        var random = new Random(42);
        var text = new StringBuilder(length + 64);
        var hex = new byte[16];
        while (text.Length < length)
        {
            random.NextBytes(hex);
            text.Append(random.Next(1_000_000)).Append('|').Append(Convert.ToHexStringLower(hex)).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }
}
