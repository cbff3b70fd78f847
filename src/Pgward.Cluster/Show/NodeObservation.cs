using Pgward.Core.Metadata;

namespace Pgward.Cluster.Show;

/// <summary>What connecting to one registered node showed.</summary>
public sealed record NodeObservation(
    NodeRecord Node,
    Reachability Reachability,
    bool? InRecovery,
    int? Timeline,
    IReadOnlyList<string> AttachedStandbys,
    string? Error)
{
    /// <summary>A delayed standby's <c>recovery_min_apply_delay</c> as the server shows it ("1h"); null for any other node.</summary>
    public string? ApplyDelay { get; init; }

    public static NodeObservation Failed(NodeRecord node, Reachability reachability, string? error) =>
        new(node, reachability, null, null, [], error);
}
