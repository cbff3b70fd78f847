using System.Globalization;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Show;

/// <summary>
/// Whose copy of the metadata <c>cluster show</c> believes. Every data node holds one, but only the primary's is
/// current: a restarted old primary, or a standby that stopped replaying, still has the records as they were, and
/// would report the new primary as "registered as standby but running as primary". Pure.
/// </summary>
public static class MetadataSourceChoice
{
    /// <summary>
    /// The reachable data node whose copy is newest: the newest timeline first (a promotion always starts a newer
    /// one, so the records written since then are only there), then a server that takes writes over a standby of
    /// it (a standby may lag), then the copy already read (<paramref name="currentSourceNodeId"/>), then the lowest
    /// node ID. Null when no data node answered; a witness only keeps a copy of the nodes.
    /// </summary>
    public static NodeObservation? Choose(IReadOnlyList<NodeObservation> observations, int? currentSourceNodeId) =>
        observations
            .Where(o => o.Reachability == Reachability.Reachable && o.Node.Type != NodeType.Witness && o.InRecovery is not null)
            .OrderByDescending(o => o.Timeline ?? 0)
            .ThenBy(o => o.InRecovery)
            .ThenByDescending(o => o.Node.NodeId == currentSourceNodeId)
            .ThenBy(o => o.Node.NodeId)
            .FirstOrDefault();

    /// <summary>"node2 (primary, timeline 3)": the running role, not the registered one.</summary>
    public static string Describe(NodeObservation source) => string.Create(CultureInfo.InvariantCulture,
        $"{source.Node.NodeName} ({(source.InRecovery == true ? "standby" : "primary")}, timeline {source.Timeline})");
}
