namespace Pgward.Cluster.Backups;

/// <summary>One backup as a backup server's endpoint lists it (<c>GET /backups</c>), newest first.</summary>
/// <param name="Method"><c>tar</c> (pg_basebackup's archives) or <c>files</c> (read file by file by a node's agent).</param>
/// <param name="Parent">The backup an incremental was compared with; null for a full backup.</param>
/// <param name="BeginLsn">As PostgreSQL writes an LSN (<c>0/3000028</c>); null until known.</param>
/// <param name="DataSize">Bytes of the data directory it restores.</param>
public sealed record BackupSummary(
    string Id,
    string? Name,
    string Status,
    string Method,
    string? Parent,
    uint Timeline,
    string? BeginLsn,
    string? EndLsn,
    DateTimeOffset BeginTime,
    DateTimeOffset? EndTime,
    long DataSize);
