using Pgward.Backup.Catalog;

namespace Pgward.Backup.Retention;

/// <summary>What <c>backup cron</c> removed: obsolete backups and how many WAL segments only they needed.</summary>
public sealed record RetentionRun(IReadOnlyList<BackupInfo> Deleted, int SegmentsDeleted, string? OldestWalKept);
