using System.Globalization;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Show;

/// <summary>
/// <c>cluster show</c>'s warning about the layout: an even number of voters (two or four data nodes and no witness)
/// needs more than half of them for a majority, so it tolerates no more lost nodes than one voter fewer would. A
/// layout warning, not an inconsistency: it does not change the exit code.
/// </summary>
public static class VoterCountWarning
{
    /// <summary>The warning for the cluster's node records, or null when the voters are odd in number, or when this node
    /// does not run the failover protocol (<paramref name="failoverRuns"/>: <c>agent_token</c> is set), since then the
    /// records say nothing about who votes.</summary>
    public static string? For(IReadOnlyList<NodeRecord> nodes, bool failoverRuns)
    {
        var voters = VoterSet.Choose(nodes);
        if (!failoverRuns || voters.Voters.Count == 0 || voters.Voters.Count % 2 == 1)
        {
            return null;
        }
        var count = voters.Voters.Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"{count} data nodes vote in automatic failover and no active witness: with an even number of voters the majority is {voters.Majority} of {count}, so losing {count / 2} of them leaves no majority (nothing is promoted and the primary fences itself), no better than {count - 1} {(count == 2 ? "voter" : "voters")}; add a witness (pgward witness register), which would break ties");
    }
}
