using Pgward.Cluster.Agents;
using Pgward.Cluster.Backups;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;

namespace Pgward.Agent.Dashboard;

/// <summary>What one refresh of the dashboard gathered, as read; <see cref="DashboardShaper"/> turns it into the state.</summary>
/// <param name="Nodes">The node records; null when no node could be reached for them.</param>
/// <param name="MetadataProblem">Why <paramref name="Nodes"/> is null.</param>
/// <param name="Show"><c>cluster show</c>'s report; null when it could not run.</param>
/// <param name="Agents">Each node's agent's <c>GET /node</c>, by node ID.</param>
/// <param name="BackupServers">The rows of <c>pgward.backup_servers</c> and the database's clock when they were read.</param>
/// <param name="Slots">The backup servers' slots on the primary, by slot name; empty when no primary answered.</param>
/// <param name="BackupLists">Each backup server's <c>GET /backups</c>, by backup server name.</param>
public sealed record DashboardInputs(
    DateTimeOffset Now,
    string ServedBy,
    IReadOnlyList<NodeRecord>? Nodes,
    string? MetadataProblem,
    ClusterReport? Show,
    IReadOnlyDictionary<int, AgentReply<NodeReport>> Agents,
    IReadOnlyList<EventRecord> Events,
    (IReadOnlyList<BackupServerRecord> Rows, DateTimeOffset ReadAt) BackupServers,
    IReadOnlyDictionary<string, ArchiveSlot> Slots,
    IReadOnlyDictionary<string, AgentReply<IReadOnlyList<BackupSummary>>> BackupLists);
