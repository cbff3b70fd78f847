using System.Text;
using Pgward.Backup.Wal;
using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalFileDecoderTests
{
    private const string Name = "000000010000000000000003";

    [Fact]
    public void A_sound_segment_decodes_to_its_content()
    {
        var segment = FakeSegment.Create(FakeSegment.Parse(Name));
        var (content, problem) = WalFileDecoder.Decode(Name, SegmentCodec.Compress(segment), WalFileHeaders.Zstd, FakeSegment.Size);
        Assert.Null(problem);
        Assert.Equal(segment, content);
    }

    [Fact]
    public void A_partial_decodes_as_its_segment() =>
        Assert.NotNull(WalFileDecoder.Decode(Name + ".partial", SegmentCodec.Compress(FakeSegment.Create(FakeSegment.Parse(Name))),
            WalFileHeaders.Zstd, FakeSegment.Size).Content);

    [Fact]
    public void Another_segment_under_this_name_is_damage()
    {
        var other = SegmentCodec.Compress(FakeSegment.Create(FakeSegment.Parse("000000010000000000000004")));
        var (content, problem) = WalFileDecoder.Decode(Name, other, WalFileHeaders.Zstd, FakeSegment.Size);
        Assert.Null(content);
        Assert.Contains("first page header", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_frame_is_damage_not_a_shorter_segment()
    {
        var compressed = SegmentCodec.Compress(FakeSegment.Create(FakeSegment.Parse(Name)));
        var (content, problem) = WalFileDecoder.Decode(Name, compressed[..^10], WalFileHeaders.Zstd, FakeSegment.Size);
        Assert.Null(content);
        Assert.Contains("damaged", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3 * 1024 * 1024)]
    [InlineData(8 * 1024 * 1024)]
    public void A_segment_announced_with_another_size_is_refused(long size) =>
        Assert.Null(WalFileDecoder.Decode(Name, SegmentCodec.Compress(FakeSegment.Create(FakeSegment.Parse(Name))), WalFileHeaders.Zstd, size).Content);

    [Fact]
    public void A_history_file_comes_as_it_is_and_must_parse()
    {
        var history = Encoding.UTF8.GetBytes("1\t0/3000000\tno recovery target specified\n");
        Assert.Equal(history, WalFileDecoder.Decode("00000002.history", history, WalFileHeaders.Identity, history.Length).Content);
        Assert.Null(WalFileDecoder.Decode("00000002.history", history, WalFileHeaders.Identity, history.Length + 1).Content);
        var garbage = Encoding.UTF8.GetBytes("not a history\n");
        Assert.Null(WalFileDecoder.Decode("00000002.history", garbage, WalFileHeaders.Identity, garbage.Length).Content);
    }

    [Fact]
    public void A_segment_never_comes_uncompressed_nor_in_an_unknown_encoding()
    {
        var segment = FakeSegment.Create(FakeSegment.Parse(Name));
        Assert.Null(WalFileDecoder.Decode(Name, segment, WalFileHeaders.Identity, segment.Length).Content);
        Assert.Null(WalFileDecoder.Decode(Name, segment, "gzip", segment.Length).Content);
    }
}
