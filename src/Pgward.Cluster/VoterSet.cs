using System.Globalization;
using Pgward.Core.Metadata;

namespace Pgward.Cluster;

/// <summary>
/// Who votes in automatic failover: every data node registered with an agent URL, and a witness only where it breaks a
/// tie. With an even number of data nodes the active witness with the lowest node id votes; with an odd number no
/// witness does. A witness beside three data nodes would make four voters, whose majority (3) the loss of the witness
/// and one data node already takes away: the healthy primary would fence although it still sees a standby.
/// </summary>
/// <param name="Voters">The voters, by node id.</param>
/// <param name="DataNodes">How many data nodes (primary and standbys) are registered with an agent URL; all of them vote.</param>
/// <param name="TieBreaker">The witness that votes, or null when none does.</param>
public sealed record VoterSet(IReadOnlyList<NodeRecord> Voters, int DataNodes, NodeRecord? TieBreaker)
{
    /// <summary>The voters among <paramref name="nodes"/> (the rows of <c>pgward.nodes</c>).</summary>
    public static VoterSet Choose(IReadOnlyList<NodeRecord> nodes)
    {
        var withAgent = nodes.Where(n => n.AgentUrl is { Length: > 0 }).OrderBy(n => n.NodeId).ToList();
        var dataNodes = withAgent.Count(n => n.Type != NodeType.Witness);
        var tieBreaker = dataNodes % 2 == 0 ? withAgent.FirstOrDefault(n => n.Type == NodeType.Witness && n.Active) : null;
        var voters = withAgent.Where(n => n.Type != NodeType.Witness || n.NodeId == tieBreaker?.NodeId).ToList();
        return new VoterSet(voters, dataNodes, tieBreaker);
    }

    /// <summary>A majority of the voters: ⌊N/2⌋ + 1.</summary>
    public int Majority => Voters.Count / 2 + 1;

    /// <summary>Whether node <paramref name="nodeId"/> votes.</summary>
    public bool Contains(int nodeId) => Voters.Any(v => v.NodeId == nodeId);

    /// <summary>Why <paramref name="node"/>, registered with an agent URL, does not vote; null when it does (every data
    /// node with an agent votes, so only a witness is ever left out).</summary>
    public string? WhyNotVoting(NodeRecord node)
    {
        if (Contains(node.NodeId))
        {
            return null;
        }
        var data = DataNodes == 1 ? "1 data node" : string.Create(CultureInfo.InvariantCulture, $"{DataNodes} data nodes");
        return TieBreaker is { } other
            ? $"{other.Describe()} is the witness that breaks ties between the {data}; one witness votes at most"
            : DataNodes % 2 == 1
                ? $"{data} already {(DataNodes == 1 ? "makes" : "make")} an odd number of voters"
                : "it is registered as inactive";
    }
}
