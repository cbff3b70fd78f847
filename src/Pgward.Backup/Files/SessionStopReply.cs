namespace Pgward.Backup.Files;

/// <summary>What <c>pg_backup_stop</c> returned: the files the backup must hold and where its WAL ends.</summary>
public sealed record SessionStopReply(string BackupLabel, string TablespaceMap, string StopLsn);
