using System.Security.Cryptography;
using K4os.Compression.LZ4.Streams;
using Pgward.Agent.Backups;
using Pgward.Backup.Files;
using Pgward.Core.Checksums;
using Xunit;

namespace Pgward.UnitTests.Agent.Backups;

public sealed class FileSenderTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-filesender-").FullName;

    [Theory]
    [InlineData(0, 1)]
    [InlineData(100, 1)]
    [InlineData(9_437_184 + 4321, 2)]
    [InlineData(9_437_184 + 4321, 4)]
    public async Task A_file_compressed_on_several_threads_arrives_whole_in_order_with_its_sha256(int length, int threads)
    {
        var ct = TestContext.Current.CancellationToken;
        var content = Content(length);
        var path = Path.Combine(directory, "16390");
        await File.WriteAllBytesAsync(path, content, ct);
        using var compressor = new BlockCompressor(threads);

        var (tag, size, checksum, stored) = await SendAsync(path, new FetchItem("base/5/16390"), compressor, ct);

        Assert.Equal(FrameTag.Stored, tag);
        Assert.Equal(length, size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), checksum);
        using var decoder = LZ4Stream.Decode(new MemoryStream(stored));
        using var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded, ct);
        Assert.Equal(content, decoded.ToArray());
    }

    [Fact]
    public async Task A_file_equal_to_the_parents_copy_is_answered_unchanged_without_data_and_a_changed_one_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var content = Content(3 << 20);
        var path = Path.Combine(directory, "16390");
        await File.WriteAllBytesAsync(path, content, ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        using var compressor = new BlockCompressor(2);

        var same = await SendAsync(path, new FetchItem("f", content.Length, sha), compressor, ct);
        Assert.Equal((FrameTag.Unchanged, content.Length, sha, 0), (same.Tag, same.Size, same.Checksum, same.Stored.Length));

        var other = await SendAsync(path, new FetchItem("f", content.Length, new string('0', 64)), compressor, ct);
        Assert.Equal((FrameTag.Stored, sha), (other.Tag, other.Checksum));
        Assert.True(other.Stored.Length > 0);
    }

    [Fact]
    public async Task A_file_asked_with_crc32c_ends_with_its_crc32c_and_is_compared_with_a_sha256_parent_in_sha256()
    {
        var ct = TestContext.Current.CancellationToken;
        var content = Content((2 << 20) + 77);
        var path = Path.Combine(directory, "16390");
        await File.WriteAllBytesAsync(path, content, ct);
        var crc = new Crc32C();
        crc.Append(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        using var compressor = new BlockCompressor(2);

        var sent = await SendAsync(path, new FetchItem("f", Algorithm: FrameChecksums.Crc32C), compressor, ct);
        Assert.Equal((FrameTag.Stored, content.Length, crc.ToManifestHex()), (sent.Tag, sent.Size, sent.Checksum));
        Assert.Equal(FrameChecksums.Crc32C, FrameChecksums.AlgorithmOf(sent.Checksum));

        var same = await SendAsync(path, new FetchItem("f", content.Length, sha, Algorithm: FrameChecksums.Crc32C), compressor, ct);
        Assert.Equal((FrameTag.Unchanged, sha), (same.Tag, same.Checksum));

        var changed = await SendAsync(path, new FetchItem("f", content.Length, new string('0', 64), Algorithm: FrameChecksums.Crc32C), compressor, ct);
        Assert.Equal((FrameTag.Stored, crc.ToManifestHex()), (changed.Tag, changed.Checksum));
    }

    [Fact]
    public async Task A_file_removed_since_the_listing_is_answered_vanished()
    {
        var ct = TestContext.Current.CancellationToken;
        using var compressor = new BlockCompressor(1);
        var gone = await SendAsync(Path.Combine(directory, "dropped"), new FetchItem("dropped"), compressor, ct);
        Assert.Equal(FrameTag.Vanished, gone.Tag);
    }

    [Fact]
    public async Task A_compressor_of_an_ended_session_refuses_more_work()
    {
        var compressor = new BlockCompressor(1);
        var done = await compressor.CompressAsync(new byte[10], new byte[Lz4BlockFrame.MaxEncodedLength(10)]);
        Assert.True(done > 0);
        compressor.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => compressor.CompressAsync(new byte[10], new byte[100]));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static async Task<(FrameTag Tag, long Size, string Checksum, byte[] Stored)> SendAsync(string path, FetchItem item, BlockCompressor compressor, CancellationToken ct)
    {
        using var answer = new MemoryStream();
        await FileSender.SendAsync(new FrameWriter(answer), path, item, compressor, ct);
        answer.Position = 0;
        var reader = new FrameReader(answer);
        using var stored = new MemoryStream();
        while (true)
        {
            var frame = await reader.ReadAsync(ct);
            if (frame.Tag == FrameTag.Data)
            {
                stored.Write(frame.Data.Span);
                continue;
            }
            Assert.Equal(answer.Length, answer.Position);
            return (frame.Tag, frame.Size, frame.Checksum, stored.ToArray());
        }
    }

    /// <summary>Half random, half repetitive: blocks stored raw and blocks compressed, in one file.</summary>
    private static byte[] Content(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content.AsSpan(0, length / 2));
        for (var i = length / 2; i < length; i++)
        {
            content[i] = (byte)('a' + i % 7);
        }
        return content;
    }
}
