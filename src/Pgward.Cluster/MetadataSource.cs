using Pgward.Core.Metadata;

namespace Pgward.Cluster;

/// <summary>The node records, and which node's copy of the metadata they were read from.</summary>
/// <param name="NodeId">The node the records were read from; null when it is not known (the upstream in primary_conninfo).</param>
public sealed record MetadataSource(IReadOnlyList<NodeRecord> Nodes, string ReadFrom, bool FromLocalNode, int? NodeId);
