using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Retention;

/// <summary>
/// Applies the retention policy (the adapter around <see cref="RetentionDecision"/>): deletes the obsolete backups,
/// then the archived WAL older than the oldest backup that remains, which only the deleted ones needed.
/// </summary>
public sealed class RetentionEnforcer(BackupCatalog catalog, IWalArchive archive, IReporter reporter, TimeProvider time)
{
    public RetentionRun Apply(RetentionPolicy policy, int minimumRedundancy, bool dryRun)
    {
        var backups = catalog.List();
        var now = time.GetUtcNow();
        var obsolete = RetentionDecision.Obsolete(backups, policy, minimumRedundancy, now);
        foreach (var held in RetentionDecision.HeldForPatches(backups, policy, minimumRedundancy, now))
        {
            var dependents = PatchDependencies.Dependents(backups, held.Id).Select(b => b.Id);
            reporter.Notice($"keeping obsolete backup {held.Id} ({policy}): the block patches of {string.Join(", ", dependents)} lie over it");
        }
        foreach (var backup in obsolete)
        {
            reporter.Notice($"{(dryRun ? "would delete" : "deleting")} obsolete backup {backup.Id} ({policy})");
            if (!dryRun)
            {
                catalog.Delete(backup.Id);
            }
        }

        var (segments, oldestNeeded) = PruneWal(backups.Except(obsolete).ToList(), dryRun);
        return new RetentionRun(obsolete, segments, oldestNeeded);
    }

    /// <summary>
    /// Deletes the archived WAL older than the oldest remaining backup's begin: it serves no restore any more.
    /// Without any backup left with a known begin nothing is deleted: the WAL may be all there is.
    /// </summary>
    public (int Segments, string? OldestNeeded) PruneWal(IReadOnlyList<BackupInfo> remaining, bool dryRun)
    {
        var starts = remaining.Where(b => b.Status != BackupStatus.Failed && b.BeginWal is not null).Select(b => b.BeginWal!.Value).ToList();
        if (starts.Count == 0)
        {
            return (0, null);
        }
        var oldestNeeded = starts.MinBy(s => s.Number).Name(WalSegment.DefaultSize);
        var segments = dryRun ? 0 : archive.DeleteSegmentsBefore(oldestNeeded);
        if (segments > 0)
        {
            reporter.Notice($"deleted {segments} WAL segments older than {oldestNeeded}");
        }
        return (segments, oldestNeeded);
    }
}
