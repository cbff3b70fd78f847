using Pgward.Core.Metadata;

namespace Pgward.Cluster.Switchover;

/// <summary>Who changes role: the current primary, the standby to promote, and the siblings to re-point.</summary>
public sealed record SwitchoverPlan(NodeRecord Primary, NodeRecord Candidate, IReadOnlyList<NodeRecord> Siblings, bool SiblingsFollow);
