namespace Pgward.Backup.Catalog;

/// <summary>Where a base backup stands, with Barman's names in <c>backup.info</c>.</summary>
public enum BackupStatus
{
    /// <summary>pg_basebackup is running (or died without a chance to say so).</summary>
    Started,

    /// <summary>The data is copied; some WAL segment from begin to end is not archived yet, so it cannot be restored.</summary>
    WaitingForWals,

    /// <summary>Data and every WAL segment it needs are on the backup server: it can be restored.</summary>
    Done,

    /// <summary>pg_basebackup failed; the directory holds what was left and the reason.</summary>
    Failed,
}
