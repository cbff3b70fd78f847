using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Timelines;

public sealed class TimelineHistoryTests
{
    [Fact]
    public void Parse_reads_each_timeline_with_its_switch_point_and_reason()
    {
        var entries = TimelineHistory.Parse("1\t0/3000060\tno recovery target specified\n\n2\t0/5000110\tat restore point \"before\"\n");

        Assert.Equal(
            [
                new TimelineHistoryEntry(1, Lsn.Parse("0/3000060"), "no recovery target specified"),
                new TimelineHistoryEntry(2, Lsn.Parse("0/5000110"), "at restore point \"before\""),
            ],
            entries);
    }

    [Fact]
    public void Parse_skips_comments_and_accepts_lines_without_reason() =>
        Assert.Equal([new TimelineHistoryEntry(1, Lsn.Parse("1/A0"), "")], TimelineHistory.Parse("# written by hand\r\n 1  1/A0\r\n"));

    [Fact]
    public void Parse_returns_nothing_when_file_is_empty() => Assert.Empty(TimelineHistory.Parse(""));

    [Theory]
    [InlineData("x\t0/3000060\treason")]
    [InlineData("1\tnot-an-lsn\treason")]
    [InlineData("1")]
    public void Parse_throws_when_line_is_malformed(string content) =>
        Assert.Throws<FormatException>(() => TimelineHistory.Parse(content));
}
