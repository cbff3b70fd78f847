using Pgward.Backup.Catalog;

namespace Pgward.Backup.Retention;

/// <summary>
/// Which backups a retention policy makes obsolete. Pure. Backups are ordered by the time they ended
/// (<see cref="BackupInfo.OrderTime"/>) — never by id, name, timeline or LSN, which after a pg_upgrade or a
/// failover do not follow time (WAL-G issue 636 deleted the newest backups that way).
/// </summary>
public static class RetentionDecision
{
    /// <summary>
    /// The obsolete backups, oldest first. Only DONE backups count towards the policy; kept backups are never
    /// obsolete and do not count; backups still in progress or waiting for WAL are never obsolete; a FAILED backup
    /// is obsolete once a newer DONE backup exists. At least <paramref name="minimumRedundancy"/> DONE backups
    /// always remain. A backup that a remaining backup's block patches lie over is never obsolete
    /// (<see cref="PatchDependencies"/>).
    /// </summary>
    public static IReadOnlyList<BackupInfo> Obsolete(
        IReadOnlyList<BackupInfo> backups, RetentionPolicy policy, int minimumRedundancy, DateTimeOffset now)
    {
        var obsolete = ByPolicy(backups, policy, minimumRedundancy, now).ToList();
        // A backup whose copies a remaining backup's block patches lie over stays (HeldForPatches names them).
        var needed = PatchDependencies.Needed(backups, backups.Except(obsolete));
        obsolete.RemoveAll(b => needed.Contains(b.Id));
        return obsolete;
    }

    private static IReadOnlyList<BackupInfo> ByPolicy(
        IReadOnlyList<BackupInfo> backups, RetentionPolicy policy, int minimumRedundancy, DateTimeOffset now)
    {
        var newestFirst = backups.OrderByDescending(b => b.OrderTime).ThenByDescending(b => b.Id, StringComparer.Ordinal).ToList();
        var candidates = newestFirst.Where(b => b.Status == BackupStatus.Done && !b.Keep).ToList();
        var keep = policy switch
        {
            RedundancyPolicy r => candidates.Take(r.Copies).ToHashSet(),
            RecoveryWindowPolicy w => WithinWindow(candidates, w.WindowStart(now)),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown retention policy"),
        };
        var obsolete = candidates.Where(b => !keep.Contains(b)).ToList();

        // minimum_redundancy counts every DONE backup, kept ones included: give back the newest obsolete ones.
        var remainingDone = newestFirst.Count(b => b.Status == BackupStatus.Done) - obsolete.Count;
        while (remainingDone < minimumRedundancy && obsolete.Count > 0)
        {
            obsolete.RemoveAt(0);
            remainingDone++;
        }

        if (newestFirst.FirstOrDefault(b => b.Status == BackupStatus.Done) is { } newestDone)
        {
            obsolete.AddRange(newestFirst.Where(b => b.Status == BackupStatus.Failed && b.OrderTime < newestDone.OrderTime));
        }
        return [.. obsolete.OrderBy(b => b.OrderTime).ThenBy(b => b.Id, StringComparer.Ordinal)];
    }

    /// <summary>The backups the policy makes obsolete but that a remaining backup's block patches still need
    /// (<see cref="PatchDependencies"/>): retention keeps them, and says so.</summary>
    public static IReadOnlyList<BackupInfo> HeldForPatches(
        IReadOnlyList<BackupInfo> backups, RetentionPolicy policy, int minimumRedundancy, DateTimeOffset now)
    {
        var obsolete = Obsolete(backups, policy, minimumRedundancy, now);
        return [.. ByPolicy(backups, policy, minimumRedundancy, now).Where(b => !obsolete.Contains(b))];
    }

    /// <summary>Backups that ended inside the window, plus the newest one that ended before it: recovery to the
    /// window's first moment starts from that one.</summary>
    private static HashSet<BackupInfo> WithinWindow(List<BackupInfo> newestFirst, DateTimeOffset windowStart)
    {
        var keep = newestFirst.Where(b => b.OrderTime >= windowStart).ToHashSet();
        if (newestFirst.FirstOrDefault(b => b.OrderTime < windowStart) is { } baseOfWindow)
        {
            keep.Add(baseOfWindow);
        }
        return keep;
    }
}
