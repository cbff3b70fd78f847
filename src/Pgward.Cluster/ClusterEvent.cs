using Pgward.Core.Metadata;

namespace Pgward.Cluster;

/// <summary>
/// An event about to be recorded: <paramref name="Related"/> is the node repmgr's <c>%p</c>/<c>%c</c>/<c>%a</c>
/// refer to (the primary a standby registers under or follows, the former primary of a switchover).
/// </summary>
public sealed record ClusterEvent(int NodeId, string NodeName, string Event, bool Success, string Details, NodeRecord? Related = null);
