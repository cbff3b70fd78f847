using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Operations;

/// <summary>What <see cref="StandbyFollow"/> decided to do: which node follows which, with which primary_conninfo.</summary>
/// <param name="Self">The local node's record as the primary holds it (its old upstream included).</param>
/// <param name="TargetTimeline">The target's timeline when it was checked: the follow has taken once the standby streams it.</param>
/// <param name="Nodes">All records, as read from the primary.</param>
public sealed record FollowPlan(NodeRecord Self, NodeRecord Target, Conninfo PrimaryConninfo, int TargetTimeline, IReadOnlyList<NodeRecord> Nodes);
