using System.Text;
using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalArchiveTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly WalArchive _archive;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public WalArchiveTests() => _archive = new WalArchive(new BackupLayout(_dir.File("backup")));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Archived_segment_restores_byte_for_byte()
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        var content = FakeSegment.Create(segment);
        Assert.Equal(WalArchiveResult.Archived, await _archive.ArchiveSegmentAsync(segment, content, partial: false, _ct));

        Assert.True(_archive.Contains("000000010000000000000003"));
        Assert.True(File.Exists(_dir.File("backup/wals/0000000100000000/000000010000000000000003.zst")));
        Assert.True(_archive.SizeOnDisk() < content.Length / 10);
        Assert.Equal(WalRestoreResult.Restored, await _archive.RestoreAsync("000000010000000000000003", _dir.File("out"), _ct));
        Assert.Equal(content, await File.ReadAllBytesAsync(_dir.File("out"), _ct));
    }

    [Fact]
    public async Task Same_segment_again_is_accepted_and_different_content_is_a_conflict_that_changes_nothing()
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment), partial: false, _ct);
        var before = await File.ReadAllBytesAsync(_archive.Layout.ArchivedSegment("000000010000000000000003"), _ct);

        Assert.Equal(WalArchiveResult.AlreadyArchived, await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment), partial: false, _ct));
        Assert.Equal(WalArchiveResult.Conflict, await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment, fill: 1), partial: false, _ct));
        Assert.Equal(before, await File.ReadAllBytesAsync(_archive.Layout.ArchivedSegment("000000010000000000000003"), _ct));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("other segment")]
    public async Task Damaged_segment_is_reported_and_leaves_no_file_behind(string damage)
    {
        var segment = FakeSegment.Parse("000000010000000000000003");
        await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment), partial: false, _ct);
        var path = _archive.Layout.ArchivedSegment("000000010000000000000003");
        var bytes = await File.ReadAllBytesAsync(path, _ct);
        var damaged = damage switch
        {
            "truncated" => bytes[..^4],
            "flipped" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 0xFF), .. bytes[(bytes.Length / 2 + 1)..]],
            _ => SegmentCodec.Compress(FakeSegment.Create(segment.Next)),
        };
        await File.WriteAllBytesAsync(path, damaged, _ct);

        var outcome = await _archive.RestoreDetailedAsync("000000010000000000000003", _dir.File("out"), _ct);
        Assert.Equal(WalRestoreResult.Damaged, outcome.Result);
        Assert.Contains(path, outcome.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out")));
        Assert.Empty(Directory.GetFiles(_dir.Path));
        Assert.NotNull(await _archive.CheckAsync("000000010000000000000003", _ct));
    }

    [Fact]
    public async Task A_missing_segment_is_a_hole_only_when_later_segments_of_its_timeline_are_archived()
    {
        foreach (var name in new[] { "000000010000000000000003", "000000010000000000000005" })
        {
            await _archive.ArchiveSegmentAsync(FakeSegment.Parse(name), FakeSegment.Create(FakeSegment.Parse(name)), partial: false, _ct);
        }
        Assert.Equal(WalRestoreResult.Damaged, await _archive.RestoreAsync("000000010000000000000004", _dir.File("out"), _ct));
        Assert.Equal(WalRestoreResult.Missing, await _archive.RestoreAsync("000000010000000000000006", _dir.File("out"), _ct));
        Assert.Equal(WalRestoreResult.Missing, await _archive.RestoreAsync("000000020000000000000004", _dir.File("out"), _ct));

        Assert.Equal(["000000010000000000000004"],
            await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/3000028"), Lsn.Parse("0/5FFFFFF"), readContents: false, _ct));
        Assert.Empty(await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/5000000"), Lsn.Parse("0/5000100"), readContents: true, _ct));
    }

    /// <summary>The fault suite's failover-during-backup (mode sync, seed 1): a backup that ended in the segment where
    /// the primary's timeline then ended waited for that segment of timeline 1 for ever (only its .partial is ever
    /// archived), and backup check reported it as a gap for ever. Timeline 2's copy holds the same WAL up to the switch.</summary>
    [Fact]
    public async Task The_segment_of_a_switch_counts_as_archived_up_to_the_switch_point_when_the_next_timeline_holds_it()
    {
        foreach (var name in new[] { "000000010000000000000007", "000000020000000000000008" })
        {
            await _archive.ArchiveSegmentAsync(FakeSegment.Parse(name), FakeSegment.Create(FakeSegment.Parse(name)), partial: false, _ct);
        }
        await _archive.ArchiveHistoryAsync(2, Encoding.ASCII.GetBytes("1\t0/8005178\tno recovery target specified\n"), _ct);

        Assert.Empty(await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/7000028"), Lsn.Parse("0/8003CA7"), readContents: true, _ct));
        Assert.Empty(await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/7000028"), Lsn.Parse("0/8005178"), readContents: false, _ct));
        // Past the switch point timeline 1 has WAL only the old primary wrote: timeline 2's copy does not hold it.
        Assert.Equal(["000000010000000000000008"],
            await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/7000028"), Lsn.Parse("0/8005179"), readContents: false, _ct));
        // Without timeline 2's segment there is nothing to read it from.
        File.Delete(_archive.Layout.ArchivedSegment("000000020000000000000008"));
        Assert.Equal(["000000010000000000000008"],
            await _archive.MissingSegmentsAsync(1, Lsn.Parse("0/7000028"), Lsn.Parse("0/8003CA7"), readContents: false, _ct));
    }

    [Fact]
    public async Task After_a_timeline_ended_its_later_segments_are_not_holes()
    {
        foreach (var name in new[] { "000000010000000000000003", "000000010000000000000007" })
        {
            await _archive.ArchiveSegmentAsync(FakeSegment.Parse(name), FakeSegment.Create(FakeSegment.Parse(name)), partial: false, _ct);
        }
        await _archive.ArchiveHistoryAsync(2, Encoding.ASCII.GetBytes("1\t0/4000060\tno recovery target specified\n"), _ct);
        Assert.Equal(WalRestoreResult.Missing, await _archive.RestoreAsync("000000010000000000000005", _dir.File("out"), _ct));
        Assert.Equal(WalRestoreResult.Damaged, await _archive.RestoreAsync("000000010000000000000004", _dir.File("out"), _ct));
    }

    [Fact]
    public async Task History_files_are_kept_as_they_are_and_a_different_one_of_the_same_timeline_conflicts()
    {
        var content = Encoding.ASCII.GetBytes("1\t0/3000060\tno recovery target specified\n");
        Assert.Equal(WalArchiveResult.Archived, await _archive.ArchiveHistoryAsync(2, content, _ct));
        Assert.Equal(WalArchiveResult.AlreadyArchived, await _archive.ArchiveHistoryAsync(2, content, _ct));
        Assert.Equal(WalArchiveResult.Conflict, await _archive.ArchiveHistoryAsync(2, Encoding.ASCII.GetBytes("1\t0/5000000\tother\n"), _ct));

        Assert.True(_archive.Contains("00000002.history"));
        Assert.Equal(WalRestoreResult.Restored, await _archive.RestoreAsync("00000002.history", _dir.File("h"), _ct));
        Assert.Equal(content, await File.ReadAllBytesAsync(_dir.File("h"), _ct));
        Assert.Equal(WalRestoreResult.Missing, await _archive.RestoreAsync("00000003.history", _dir.File("h3"), _ct));

        await File.WriteAllTextAsync(_archive.Layout.HistoryFile(2), "not a history file", _ct);
        Assert.Equal(WalRestoreResult.Damaged, await _archive.RestoreAsync("00000002.history", _dir.File("h4"), _ct));
    }

    [Fact]
    public async Task Segments_are_listed_in_replay_order_and_old_ones_deleted_by_position_not_name()
    {
        var names = new[] { "000000020000000000000006", "000000010000000000000004", "000000010000000000000005", "000000020000000000000005" };
        foreach (var name in names)
        {
            await _archive.ArchiveSegmentAsync(FakeSegment.Parse(name), FakeSegment.Create(FakeSegment.Parse(name)), partial: false, _ct);
        }
        await _archive.ArchiveSegmentAsync(FakeSegment.Parse("000000010000000000000005"), FakeSegment.Create(FakeSegment.Parse("000000010000000000000005")), partial: true, _ct);
        await _archive.ArchiveHistoryAsync(2, Encoding.ASCII.GetBytes("1\t0/5800000\tno recovery target specified\n"), _ct);

        Assert.Equal(["000000010000000000000004", "000000010000000000000005", "000000020000000000000005", "000000020000000000000006"],
            _archive.Segments().Select(s => s.Name(FakeSegment.Size)));
        Assert.True(_archive.Contains("000000010000000000000005.partial"));

        Assert.Equal(1, _archive.DeleteSegmentsBefore("000000020000000000000005"));
        Assert.Equal(["000000010000000000000005", "000000020000000000000005", "000000020000000000000006"],
            _archive.Segments().Select(s => s.Name(FakeSegment.Size)));
        Assert.True(_archive.Contains("00000002.history"));
    }
}
