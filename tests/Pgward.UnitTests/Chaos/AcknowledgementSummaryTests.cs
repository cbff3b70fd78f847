using Pgward.Testing.Chaos;
using Xunit;
using static Pgward.UnitTests.Chaos.Histories;

namespace Pgward.UnitTests.Chaos;

public sealed class AcknowledgementSummaryTests
{
    [Fact]
    public void Between_counts_the_writes_acknowledged_in_the_span_per_node_and_setting()
    {
        var history = Of(Ack(1, "a", 0, 1), Ack(2, "a", 2, 3, commit: SynchronousCommit.Local), Ack(3, "b", 3, 4, timeline: 2),
            Failed(4, 4, 5), Ack(5, "a", 8, 9));

        Assert.Equal("a on 0 local 1, b on 1 local 0", AcknowledgementSummary.Between(history, Seconds(2), Seconds(5)));
        Assert.Equal("none", AcknowledgementSummary.Between(history, Seconds(5), Seconds(6)));
    }

    [Fact]
    public void FailuresBetween_groups_the_writes_not_acknowledged_by_outcome_setting_and_error()
    {
        var history = Of(Unknown(1, 0, 2), Unknown(2, 2, 4), Failed(3, 4, 4.1), Ack(4, "a", 5, 6));

        Assert.Equal("2 unknown on (timeout), 1 failed on (connection refused)", AcknowledgementSummary.FailuresBetween(history, Seconds(0), Seconds(10)));
        Assert.Equal("none", AcknowledgementSummary.FailuresBetween(history, Seconds(5), Seconds(10)));
    }
}
