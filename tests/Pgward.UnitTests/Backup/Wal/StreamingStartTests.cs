using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class StreamingStartTests
{
    private const long Size = WalSegment.DefaultSize;
    private static readonly StreamPosition Server = new(2, Lsn.Parse("0/9000123"));

    [Fact]
    public void First_start_is_the_slots_restart_segment_else_the_servers_current_one()
    {
        var slot = new StreamPosition(2, Lsn.Parse("0/7000060"));
        Assert.Equal(new StreamPosition(2, Lsn.Parse("0/7000000")), StreamingStart.Choose(null, null, null, slot, Server, Size));
        Assert.Equal(new StreamPosition(2, Lsn.Parse("0/9000000")), StreamingStart.Choose(null, null, null, null, Server, Size));
    }

    [Fact]
    public void Resumes_at_the_start_of_the_partial_segment()
    {
        var partial = FakeSegment.Parse("000000010000000000000006");
        var archived = FakeSegment.Parse("000000010000000000000005");
        Assert.Equal(new StreamPosition(1, Lsn.Parse("0/6000000")), StreamingStart.Choose(null, partial, archived, null, Server, Size));
    }

    [Fact]
    public void Resumes_after_the_last_archived_segment_when_the_partial_was_already_archived()
    {
        var stale = FakeSegment.Parse("000000010000000000000006");
        var archived = FakeSegment.Parse("000000010000000000000006");
        Assert.Equal(new StreamPosition(1, Lsn.Parse("0/7000000")), StreamingStart.Choose(null, stale, archived, null, Server, Size));
    }

    [Fact]
    public void Progress_is_ordered_by_timeline_first_so_old_timeline_wal_past_the_switch_does_not_pull_the_start_back()
    {
        var diverged = FakeSegment.Parse("000000010000000000000009");
        var onNewTimeline = FakeSegment.Parse("000000020000000000000006");
        Assert.Equal(onNewTimeline, StreamingStart.Newest([diverged, onNewTimeline, FakeSegment.Parse("000000020000000000000005")]));
        var partial = FakeSegment.Parse("000000020000000000000007");
        Assert.Equal(new StreamPosition(2, Lsn.Parse("0/7000000")), StreamingStart.Choose(null, partial, diverged, null, Server, Size));
    }

    [Fact]
    public void An_explicit_position_wins_and_is_aligned_to_its_segment()
    {
        var marker = new StreamPosition(2, Lsn.Parse("0/8123456"));
        var archived = FakeSegment.Parse("000000010000000000000003");
        Assert.Equal(new StreamPosition(2, Lsn.Parse("0/8000000")), StreamingStart.Choose(marker, null, archived, null, Server, Size));
    }

    [Fact]
    public void Position_file_text_round_trips()
    {
        var position = new StreamPosition(3, Lsn.Parse("1/A000000"));
        Assert.Equal(position, StreamPosition.ParseFileText(position.ToFileText()));
        Assert.Null(StreamPosition.ParseFileText("garbage"));
    }
}
