namespace Pgward.Cluster.Show;

/// <summary>One backup server under <c>cluster show</c>'s nodes, in words; the times carry the same facts for --json.</summary>
public sealed record BackupServerRow(
    string Name,
    string Host,
    string BackupDirectory,
    string SlotName,
    string Status,
    string LastBackup,
    DateTimeOffset LastSeen,
    string? LastBackupId,
    DateTimeOffset? LastBackupTime);
