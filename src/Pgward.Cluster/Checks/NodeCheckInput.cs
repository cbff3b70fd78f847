using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Checks;

/// <summary>
/// Everything the checks look at. <paramref name="Facts"/> is null when the local server could not be queried
/// (<paramref name="ConnectError"/> says why); <paramref name="Nodes"/> is empty when the metadata was not readable.
/// </summary>
public sealed record NodeCheckInput(
    NodeOptions Options,
    ServerFacts? Facts,
    string? ConnectError,
    IReadOnlyList<NodeRecord> Nodes,
    bool DataDirectoryHasPgVersion)
{
    public NodeRecord? Self => Nodes.FirstOrDefault(n => n.NodeId == Options.NodeId);
}
