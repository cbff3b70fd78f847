using Pgward.Cluster.Show;
using Pgward.Core.Metadata;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster.Show;

public class VoterCountWarningTests
{
    private static NodeRecord WithAgent(NodeRecord node) => node with { AgentUrl = $"http://127.0.0.1:{6500 + node.NodeId}" };

    private static List<NodeRecord> Layout(int dataNodes, int witnesses) =>
    [
        WithAgent(Primary(1)),
        .. Enumerable.Range(2, dataNodes - 1).Select(id => WithAgent(Standby(id, upstream: 1))),
        .. Enumerable.Range(dataNodes + 1, witnesses).Select(id => WithAgent(Witness(id, upstream: 1))),
    ];

    [Theory]
    [InlineData(2, 0, true)]
    [InlineData(4, 0, true)]
    [InlineData(2, 1, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 0, false)]
    [InlineData(3, 1, false)]
    [InlineData(4, 1, false)]
    public void Warns_only_when_the_voters_are_even_in_number(int dataNodes, int witnesses, bool warns)
    {
        Assert.Equal(warns, VoterCountWarning.For(Layout(dataNodes, witnesses), failoverRuns: true) is not null);
    }

    [Fact]
    public void Warning_names_the_count_the_majority_and_the_fix()
    {
        var warning = VoterCountWarning.For(Layout(4, 0), failoverRuns: true);

        Assert.Equal("4 data nodes vote in automatic failover and no active witness: with an even number of voters the majority is 3 of 4, "
            + "so losing 2 of them leaves no majority (nothing is promoted and the primary fences itself), no better than 3 voters; "
            + "add a witness (pgward witness register), which would break ties", warning);
    }

    [Fact]
    public void An_inactive_witness_does_not_silence_the_warning()
    {
        var nodes = Layout(2, 1);
        nodes[2] = nodes[2] with { Active = false };

        Assert.NotNull(VoterCountWarning.For(nodes, failoverRuns: true));
    }

    [Fact]
    public void No_warning_without_the_failover_protocol_or_without_agents()
    {
        Assert.Null(VoterCountWarning.For(Layout(2, 0), failoverRuns: false));
        Assert.Null(VoterCountWarning.For([Primary(1), Standby(2, upstream: 1)], failoverRuns: true));
    }
}
