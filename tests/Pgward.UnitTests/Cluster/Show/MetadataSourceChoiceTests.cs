using Pgward.Cluster.Show;
using Pgward.Core.Metadata;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster.Show;

public sealed class MetadataSourceChoiceTests
{
    private static NodeObservation Running(NodeRecord node, bool inRecovery, int timeline) =>
        new(node, Reachability.Reachable, inRecovery, timeline, [], null);

    [Fact]
    public void Choose_prefers_the_new_primary_to_the_stale_copy_of_a_restarted_old_primary()
    {
        // The records as the old primary (node1) still has them; node2 was promoted to timeline 2 meanwhile.
        var observations = new[]
        {
            Running(Primary(1), inRecovery: false, timeline: 1),
            Running(Standby(2, upstream: 1), inRecovery: false, timeline: 2),
            Running(Standby(3, upstream: 1), inRecovery: true, timeline: 1),
        };

        var chosen = MetadataSourceChoice.Choose(observations, currentSourceNodeId: 1);

        Assert.Equal(2, chosen?.Node.NodeId);
        Assert.Equal("node2 (primary, timeline 2)", MetadataSourceChoice.Describe(chosen!));
    }

    [Fact]
    public void Choose_prefers_the_primary_to_a_standby_on_the_same_timeline()
    {
        var observations = new[]
        {
            Running(Primary(1), inRecovery: false, timeline: 3),
            Running(Standby(2, upstream: 1), inRecovery: true, timeline: 3),
        };

        Assert.Equal(1, MetadataSourceChoice.Choose(observations, currentSourceNodeId: 2)?.Node.NodeId);
    }

    [Fact]
    public void Choose_prefers_a_standby_on_a_newer_timeline_to_an_old_primary_when_the_new_primary_is_down()
    {
        var observations = new[]
        {
            Running(Primary(1), inRecovery: false, timeline: 1),
            NodeObservation.Failed(Standby(2, upstream: 1), Reachability.Unreachable, "connection refused"),
            Running(Standby(3, upstream: 2), inRecovery: true, timeline: 2),
        };

        var chosen = MetadataSourceChoice.Choose(observations, currentSourceNodeId: 1);

        Assert.Equal(3, chosen?.Node.NodeId);
        Assert.Equal("node3 (standby, timeline 2)", MetadataSourceChoice.Describe(chosen!));
    }

    [Fact]
    public void Choose_keeps_the_current_source_when_it_is_as_good_as_any_other()
    {
        var observations = new[]
        {
            Running(Primary(1), inRecovery: true, timeline: 4),
            Running(Standby(2, upstream: 1), inRecovery: true, timeline: 4),
            Running(Standby(3, upstream: 1), inRecovery: true, timeline: 4),
        };

        Assert.Equal(3, MetadataSourceChoice.Choose(observations, currentSourceNodeId: 3)?.Node.NodeId);
    }

    [Fact]
    public void Choose_never_takes_a_witness_or_an_unreachable_node()
    {
        var observations = new[]
        {
            NodeObservation.Failed(Primary(1), Reachability.Unreachable, "connection refused"),
            NodeObservation.Failed(Standby(2, upstream: 1), Reachability.Rejected, "password authentication failed"),
            Running(Witness(3, upstream: 1), inRecovery: false, timeline: 1),
        };

        Assert.Null(MetadataSourceChoice.Choose(observations, currentSourceNodeId: 3));
    }
}
