namespace Pgward.Cluster.Clone;

/// <summary><c>standby clone --from-backup [--backup-server NAME]</c>: the newest DONE backup of that backup server
/// instead of pg_basebackup from the upstream.</summary>
/// <param name="BackupServer">Its name in <c>pgward.backup_servers</c>; null for the only one registered.</param>
/// <param name="Executable">How to run pgward, for the restore_command (<c>backup wal-fetch</c>).</param>
public sealed record CloneFromBackup(string? BackupServer, IReadOnlyList<string> Executable);
