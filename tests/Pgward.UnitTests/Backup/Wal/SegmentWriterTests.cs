using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class SegmentWriterTests : IDisposable
{
    private const long Size = FakeSegment.Size;
    private readonly TempDirectory _dir = new();
    private readonly WalArchive _archive;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public SegmentWriterTests() => _archive = new WalArchive(new BackupLayout(_dir.File("backup")));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Wal_spanning_a_segment_boundary_archives_the_complete_segment_and_keeps_the_next_as_partial()
    {
        var first = FakeSegment.Parse("000000010000000000000003");
        var content = FakeSegment.Create(first);
        await using (var writer = new SegmentWriter(_archive, 1, first.Start(Size)))
        {
            await writer.AppendAsync(first.Start(Size), content.AsMemory(0, 1000), _ct);
            Assert.True(File.Exists(_archive.Layout.StreamingPartial("000000010000000000000003")));
            Assert.Equal(first.Start(Size), writer.Flushed);
            Assert.Equal(first.Start(Size) + 1000, await writer.FlushAsync(_ct));

            // The rest of segment 3 and the first 24 bytes of segment 4 in one message.
            var message = content[1000..].Concat(FakeSegment.Create(first.Next)[..24]).ToArray();
            await writer.AppendAsync(first.Start(Size) + 1000, message, _ct);
            Assert.Equal(first.End(Size) + 24, writer.Written);
            Assert.Equal(first.End(Size), writer.Flushed);
        }

        Assert.Equal([first], _archive.Segments());
        Assert.False(File.Exists(_archive.Layout.StreamingPartial("000000010000000000000003")));
        Assert.True(File.Exists(_archive.Layout.StreamingPartial("000000010000000000000004")));
        Assert.Equal(WalRestoreResult.Restored, await _archive.RestoreAsync("000000010000000000000003", _dir.File("out"), _ct));
        Assert.Equal(content, await File.ReadAllBytesAsync(_dir.File("out"), _ct));
    }

    [Fact]
    public async Task Wal_that_does_not_follow_what_was_written_is_refused()
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        await using var writer = new SegmentWriter(_archive, 1, segment.Start(Size));
        var error = await Assert.ThrowsAsync<WalStreamException>(() => writer.AppendAsync(segment.Start(Size) + 8192, new byte[100], _ct));
        Assert.Contains("expected it from 0/3000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_streamed_again_with_other_content_stops_streaming_and_is_kept_aside()
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment), partial: false, _ct);
        await using var writer = new SegmentWriter(_archive, 1, segment.Start(Size));
        var error = await Assert.ThrowsAsync<WalStreamException>(() => writer.AppendAsync(segment.Start(Size), FakeSegment.Create(segment, fill: 7), _ct));
        Assert.Contains("arrived again with content different", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_archive.Layout.ErrorsDirectory, "000000010000000000000003.conflict")));
        Assert.Equal(WalRestoreResult.Restored, await _archive.RestoreAsync("000000010000000000000003", _dir.File("out"), _ct));
        Assert.Equal(FakeSegment.Create(segment), await File.ReadAllBytesAsync(_dir.File("out"), _ct));
    }

    [Fact]
    public async Task The_end_of_an_old_timeline_is_archived_as_partial()
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        await using var writer = new SegmentWriter(_archive, 1, segment.Start(Size));
        await writer.AppendAsync(segment.Start(Size), FakeSegment.Create(segment).AsMemory(0, 5000), _ct);
        Assert.Equal(WalArchiveResult.Archived, await writer.ArchivePartialAsync(_ct));
        Assert.True(_archive.Contains("000000010000000000000003.partial"));
        Assert.False(_archive.Contains("000000010000000000000003"));
        Assert.False(File.Exists(_archive.Layout.StreamingPartial("000000010000000000000003")));
        Assert.Equal(Lsn.Parse("0/3001388"), writer.Written);
    }
}
