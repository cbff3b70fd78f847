namespace Pgward.Backup.Files;

/// <summary><c>POST /backup/start</c>: the label pg_backup_start records (the backup's id).</summary>
public sealed record SessionStartRequest(string Label);
