using Pgward.Backup.Catalog;

namespace Pgward.Backup.Base;

/// <summary>Which backup an incremental compares with. Pure.</summary>
public static class IncrementalParent
{
    /// <summary>The newest DONE files backup of the same cluster (system identifier); null when there is none and
    /// the backup must be a full one. A parent on an older timeline is fine: files are compared by content (and by
    /// modification time only on the node the parent was taken from), never by timeline.</summary>
    public static BackupInfo? Choose(IReadOnlyList<BackupInfo> oldestFirst, string systemIdentifier) =>
        oldestFirst.LastOrDefault(b => b.Status == BackupStatus.Done && b.Method == BackupMethod.Files && b.SystemIdentifier == systemIdentifier);
}
