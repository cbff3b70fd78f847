using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster;

/// <summary>
/// Which of a node's replication slots serve nobody any more. An inactive slot holds WAL forever (and <c>node check</c>
/// reports it CRITICAL): after an operation changes who follows whom, the node drops the slots pgward made for standbys
/// that no longer stream from it.
/// </summary>
public static class StaleSlots
{
    /// <summary>The inactive physical slots of node <paramref name="nodeId"/> named as pgward names a registered node's slot
    /// (<c>pgward_slot_N</c>) whose node is not an active standby of it now. A standby that is a cascade upstream keeps the
    /// slots of its downstream standbys; slots pgward did not name (a backup server's, a DBA's own) are left alone.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<SlotInfo> slots, IReadOnlyList<NodeRecord> nodes, int nodeId)
    {
        var pgwardNames = nodes.Select(n => NodeRecords.SlotName(n.NodeId)).ToHashSet(StringComparer.Ordinal);
        var serving = nodes
            .Where(n => n.Active && n.Type == NodeType.Standby && n.UpstreamNodeId == nodeId)
            .Select(n => n.SlotName ?? NodeRecords.SlotName(n.NodeId))
            .ToHashSet(StringComparer.Ordinal);
        return [.. slots
            .Where(s => s.SlotType == "physical" && !s.Active && pgwardNames.Contains(s.SlotName) && !serving.Contains(s.SlotName))
            .Select(s => s.SlotName)];
    }
}
