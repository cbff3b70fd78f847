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

    /// <summary>What the local agent answered; null unless <see cref="CheckKind.Agent"/> was asked for.</summary>
    public AgentSighting? Agent { get; init; }
}

/// <summary>The local agent as <c>node check --agent</c> found it: where it was asked, and its report, or why there is none.</summary>
public sealed record AgentSighting(string Url, bool Answered, bool Paused, int? Pid, string? Problem);
