using Pgward.Cluster.Backups;

namespace Pgward.Agent.Dashboard;

/// <summary>A registered backup server on the dashboard: its row in <c>pgward.backup_servers</c>, its WAL slot on the
/// primary, and its newest backups from its endpoint.</summary>
/// <param name="Status"><c>* running</c>, or <c>? not seen for ...</c> when its daemon stopped refreshing its row.</param>
/// <param name="WalStreaming">Whether its replication slot on the primary is active (WAL is being archived); null
/// when the primary could not be asked.</param>
/// <param name="ArchiveLagBytes">How far the slot's restart LSN is behind the primary's current WAL position.</param>
/// <param name="Backups">Its newest backups, newest first; null when its endpoint was not asked or did not answer.</param>
/// <param name="EndpointProblem">Why its endpoint gave no list.</param>
public sealed record DashboardBackupServer(
    string Name,
    string Host,
    string Status,
    DateTimeOffset LastSeen,
    string? LastBackupId,
    DateTimeOffset? LastBackupTime,
    bool? WalStreaming,
    long? ArchiveLagBytes,
    IReadOnlyList<BackupSummary>? Backups,
    string? EndpointProblem);
