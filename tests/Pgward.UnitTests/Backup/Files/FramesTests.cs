using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class FramesTests
{
    [Fact]
    public async Task Frames_written_by_the_agent_read_back_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        using var buffer = new MemoryStream();
        var writer = new FrameWriter(buffer);
        await writer.DataAsync(new byte[] { 1, 2, 3 }, ct);
        await writer.EndAsync(FrameTag.Stored, 3, "abc123", ct);
        await writer.EndAsync(FrameTag.Unchanged, 8192, "ff", ct);
        await writer.VanishedAsync(ct);
        await writer.FailedAsync("permission denied", ct);

        buffer.Position = 0;
        var reader = new FrameReader(buffer);
        var data = await reader.ReadAsync(ct);
        Assert.Equal(FrameTag.Data, data.Tag);
        Assert.Equal(new byte[] { 1, 2, 3 }, data.Data.ToArray());
        Assert.Equal((FrameTag.Stored, 3L, "abc123"), ((await reader.ReadAsync(ct)) is var s ? (s.Tag, s.Size, s.Checksum) : default));
        Assert.Equal((FrameTag.Unchanged, 8192L, "ff"), ((await reader.ReadAsync(ct)) is var u ? (u.Tag, u.Size, u.Checksum) : default));
        Assert.Equal(FrameTag.Vanished, (await reader.ReadAsync(ct)).Tag);
        Assert.Equal("permission denied", (await reader.ReadAsync(ct)).Message);
        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(ct));
    }

    [Fact]
    public void FileBatches_puts_the_largest_files_first_and_caps_each_request()
    {
        var files = Enumerable.Range(0, 600).Select(i => (new FetchItem($"f{i}"), (long)i))
            .Append((new FetchItem("segment"), 1L << 30));
        var batches = FileBatches.Split(files);
        Assert.Equal("segment", Assert.Single(batches[0]).Path);
        Assert.All(batches, b => Assert.InRange(b.Count, 1, FileBatches.MaxFiles));
        Assert.Equal(601, batches.Sum(b => b.Count));
    }

    [Fact]
    public void BackupLabel_reads_the_start_location_and_timeline()
    {
        var (start, timeline) = BackupLabel.Parse("START WAL LOCATION: 0/9000028 (file 000000020000000000000009)\nCHECKPOINT LOCATION: 0/9000060\n"
            + "BACKUP METHOD: streamed\nBACKUP FROM: standby\nSTART TIME: 2026-12-05 04:00:00 UTC\nLABEL: x\nSTART TIMELINE: 2\n");
        Assert.Equal("0/9000028", start.ToString());
        Assert.Equal(2u, timeline);
        Assert.Throws<FormatException>(() => BackupLabel.Parse("LABEL: x\n"));
    }
}
