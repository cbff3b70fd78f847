namespace Pgward.Cluster.Show;

/// <summary>One line of <c>cluster show</c>, already in words; the booleans carry the same facts for --json and --csv.</summary>
public sealed record ClusterRow(
    int Id,
    string Name,
    string Role,
    string Status,
    string Upstream,
    string Location,
    int Priority,
    string Timeline,
    string Conninfo,
    bool Reachable,
    bool? InRecovery,
    bool Active,
    bool? AttachedToUpstream);
