namespace Pgward.Cluster.Agents;

/// <summary>Body of <c>POST /control/follow</c>: the node to follow; null means the current primary.</summary>
public sealed record FollowRequest(int? UpstreamNodeId = null);
