using Pgward.Backup.Base;
using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class StoredFileReceiverTests
{
    private static ManifestFile Entry(string algorithm, string checksum, long size = 1 << 20) => new("base/5/16384", size, algorithm, checksum);

    private static readonly string Sha = new('a', 64);

    [Fact]
    public void SameContent_takes_an_equal_sha256_as_proof_whether_sent_whole_or_as_a_patch()
    {
        Assert.True(StoredFileReceiver.SameContent(Entry("SHA256", Sha), Entry("SHA256", Sha.ToUpperInvariant()), changed: null));
        Assert.True(StoredFileReceiver.SameContent(Entry("SHA256", Sha), Entry("SHA256", Sha), changed: 3));
        Assert.False(StoredFileReceiver.SameContent(Entry("SHA256", Sha), Entry("SHA256", new string('b', 64)), changed: null));
        Assert.False(StoredFileReceiver.SameContent(Entry("SHA256", Sha), Entry("SHA256", Sha, size: 8192), changed: null));
    }

    [Fact]
    public void SameContent_takes_an_equal_crc32c_only_with_a_patch_of_no_blocks()
    {
        Assert.True(StoredFileReceiver.SameContent(Entry("CRC32C", "0a0b0c0d"), Entry("CRC32C", "0a0b0c0d"), changed: 0));
        Assert.False(StoredFileReceiver.SameContent(Entry("CRC32C", "0a0b0c0d"), Entry("CRC32C", "0a0b0c0d"), changed: null));
        Assert.False(StoredFileReceiver.SameContent(Entry("CRC32C", "0a0b0c0d"), Entry("CRC32C", "0a0b0c0d"), changed: 1));
        Assert.False(StoredFileReceiver.SameContent(Entry("CRC32C", "0a0b0c0d"), Entry("CRC32C", "ffffffff"), changed: 0));
    }

    [Fact]
    public void SameContent_never_compares_checksums_of_two_algorithms()
    {
        // A parent from before CRC-32C: the file unchanged is stored as a patch of no blocks, linked from the next backup on.
        Assert.False(StoredFileReceiver.SameContent(Entry("SHA256", Sha), Entry("CRC32C", "0a0b0c0d"), changed: 0));
    }

    [Theory]
    [InlineData("0a0b0c0d", "CRC32C")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "SHA256")]
    public void FrameChecksums_tells_the_algorithm_by_the_length(string hex, string algorithm) =>
        Assert.Equal(algorithm, FrameChecksums.AlgorithmOf(hex));

    [Fact]
    public void FrameChecksums_rejects_a_checksum_of_another_length() =>
        Assert.Throws<InvalidDataException>(() => FrameChecksums.AlgorithmOf("abc123"));
}
