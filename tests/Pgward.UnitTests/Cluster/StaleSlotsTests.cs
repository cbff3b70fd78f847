using Pgward.Cluster;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster;

/// <summary>Which slots a node drops after an operation changed who follows whom (issue 14, defect 19).</summary>
public sealed class StaleSlotsTests
{
    private static NodeRecord Node(int id, NodeType type, int? upstream, bool active = true) =>
        new(id, upstream, active, $"node{id}", type, "default", 100, $"host=127.0.0.1 port={5431 + id}", "pgward", $"pgward_slot_{id}", "");

    private static SlotInfo Slot(string name, bool active = false) => new(name, "physical", active);

    [Fact]
    public void Rejoined_old_primary_drops_the_slots_of_standbys_that_now_follow_the_new_primary()
    {
        // Node 1 failed, node 2 was promoted, node 3 follows it, node 1 rejoined node 2.
        IReadOnlyList<NodeRecord> nodes = [Node(1, NodeType.Standby, 2), Node(2, NodeType.Primary, null), Node(3, NodeType.Standby, 2)];
        Assert.Equal(["pgward_slot_2", "pgward_slot_3"], StaleSlots.Select([Slot("pgward_slot_2"), Slot("pgward_slot_3")], nodes, 1));
    }

    [Fact]
    public void Cascade_upstream_keeps_the_slot_of_its_downstream_and_the_primary_those_of_its_standbys()
    {
        IReadOnlyList<NodeRecord> nodes = [Node(1, NodeType.Primary, null), Node(2, NodeType.Standby, 1), Node(3, NodeType.Standby, 2)];
        Assert.Empty(StaleSlots.Select([Slot("pgward_slot_3")], nodes, 2));
        Assert.Equal(["pgward_slot_3"], StaleSlots.Select([Slot("pgward_slot_2"), Slot("pgward_slot_3")], nodes, 1));
    }

    [Fact]
    public void Active_slots_and_slots_pgward_did_not_name_are_left_alone()
    {
        IReadOnlyList<NodeRecord> nodes = [Node(1, NodeType.Primary, null), Node(2, NodeType.Standby, 1)];
        SlotInfo[] slots = [Slot("pgward_slot_7"), Slot("barman"), Slot("pgward_slot_2", active: true), new("pgward_slot_1", "logical", false)];
        Assert.Empty(StaleSlots.Select(slots, nodes, 1));
    }

    [Fact]
    public void Slot_of_an_inactive_or_witness_node_is_stale()
    {
        IReadOnlyList<NodeRecord> nodes = [Node(1, NodeType.Primary, null), Node(2, NodeType.Standby, 1, active: false), Node(3, NodeType.Witness, 1)];
        Assert.Equal(["pgward_slot_2", "pgward_slot_3"], StaleSlots.Select([Slot("pgward_slot_2"), Slot("pgward_slot_3")], nodes, 1));
    }
}
