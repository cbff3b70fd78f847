using Pgward.Cluster;
using Pgward.Core.Metadata;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster;

public class VoterSetTests
{
    private static NodeRecord WithAgent(NodeRecord node) => node with { AgentUrl = $"http://127.0.0.1:{6500 + node.NodeId}" };

    /// <summary>node1 primary, standbys 2 .. <paramref name="dataNodes"/>, then witnesses; every node with an agent.</summary>
    private static List<NodeRecord> Layout(int dataNodes, params int[] witnesses) =>
    [
        WithAgent(Primary(1)),
        .. Enumerable.Range(2, dataNodes - 1).Select(id => WithAgent(Standby(id, upstream: 1))),
        .. witnesses.Select(id => WithAgent(Witness(id, upstream: 1))),
    ];

    [Theory]
    [InlineData(2, new[] { 3 }, new[] { 1, 2, 3 })]
    [InlineData(3, new[] { 4 }, new[] { 1, 2, 3 })]
    [InlineData(4, new[] { 5 }, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(5, new[] { 6 }, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(2, new int[0], new[] { 1, 2 })]
    [InlineData(3, new int[0], new[] { 1, 2, 3 })]
    public void Witness_votes_only_when_data_nodes_are_even(int dataNodes, int[] witnesses, int[] expected)
    {
        var voters = VoterSet.Choose(Layout(dataNodes, witnesses));

        Assert.Equal(expected, voters.Voters.Select(v => v.NodeId));
        Assert.Equal(dataNodes, voters.DataNodes);
    }

    [Fact]
    public void Three_data_nodes_and_a_witness_make_three_voters_with_a_majority_of_two()
    {
        var voters = VoterSet.Choose(Layout(3, 4));

        Assert.Equal(3, voters.Voters.Count);
        Assert.Equal(2, voters.Majority);
        Assert.Null(voters.TieBreaker);
    }

    [Fact]
    public void Of_two_witnesses_only_the_active_one_with_the_lowest_node_id_breaks_the_tie()
    {
        Assert.Equal([1, 2, 3], VoterSet.Choose(Layout(2, 4, 3)).Voters.Select(v => v.NodeId));

        var nodes = Layout(2, 3, 4);
        nodes[2] = nodes[2] with { Active = false };
        var voters = VoterSet.Choose(nodes);

        Assert.Equal([1, 2, 4], voters.Voters.Select(v => v.NodeId));
        Assert.Equal(4, voters.TieBreaker?.NodeId);
    }

    [Fact]
    public void Nodes_without_an_agent_url_neither_vote_nor_count_as_data_nodes()
    {
        var nodes = Layout(3, 4);
        nodes[2] = nodes[2] with { AgentUrl = null };
        var voters = VoterSet.Choose(nodes);

        Assert.Equal(2, voters.DataNodes);
        Assert.Equal([1, 2, 4], voters.Voters.Select(v => v.NodeId));
    }

    [Fact]
    public void Data_nodes_always_vote_even_when_inactive()
    {
        var nodes = Layout(3);
        nodes[1] = nodes[1] with { Active = false };

        Assert.Equal([1, 2, 3], VoterSet.Choose(nodes).Voters.Select(v => v.NodeId));
    }

    [Fact]
    public void A_witness_left_out_is_told_why()
    {
        var three = Layout(3, 4);
        Assert.Equal("3 data nodes already make an odd number of voters", VoterSet.Choose(three).WhyNotVoting(three[3]));

        var twoWitnesses = Layout(2, 3, 4);
        Assert.Equal("node \"node3\" (ID: 3) is the witness that breaks ties between the 2 data nodes; one witness votes at most",
            VoterSet.Choose(twoWitnesses).WhyNotVoting(twoWitnesses[3]));

        var inactive = Layout(2, 3);
        inactive[2] = inactive[2] with { Active = false };
        Assert.Equal("it is registered as inactive", VoterSet.Choose(inactive).WhyNotVoting(inactive[2]));

        Assert.Null(VoterSet.Choose(twoWitnesses).WhyNotVoting(twoWitnesses[2]));
        Assert.Null(VoterSet.Choose(three).WhyNotVoting(three[0]));
    }
}
