using Pgward.Core.Metadata;

namespace Pgward.Cluster;

/// <summary>The node records, and which node's copy of the metadata they were read from.</summary>
public sealed record MetadataSource(IReadOnlyList<NodeRecord> Nodes, string ReadFrom, bool FromLocalNode);
