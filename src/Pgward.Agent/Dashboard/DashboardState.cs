using Pgward.Core.Metadata;

namespace Pgward.Agent.Dashboard;

/// <summary>
/// What <c>GET /dashboard/state</c> answers and the page draws: the cluster as the agent serving the page sees it,
/// gathered at <paramref name="GeneratedAt"/>.
/// </summary>
/// <param name="ServedBy">The node whose agent answered, as <c>name (ID: n)</c>.</param>
/// <param name="Problem">Why the cluster could not be read at all (no node reachable); the lists are then empty.</param>
/// <param name="Warnings">What <c>cluster show</c> would warn about (a node running as another role than recorded).</param>
/// <param name="Events">The newest events of <c>pgward.events</c>, newest first.</param>
public sealed record DashboardState(
    DateTimeOffset GeneratedAt,
    string ServedBy,
    string? Problem,
    IReadOnlyList<DashboardNode> Nodes,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<EventRecord> Events,
    IReadOnlyList<DashboardBackupServer> BackupServers);
