using Pgward.Backup.Catalog;

namespace Pgward.Backup.Recovery;

/// <summary>Which backup a recovery starts from, and whether the target can be reached from it. Pure.</summary>
public static class RecoveryPlan
{
    /// <summary>
    /// The backup for <paramref name="reference"/> and <paramref name="target"/>, or the reason there is none.
    /// <c>latest</c> is the newest DONE backup that ended before a time or LSN target (the newest DONE one for other
    /// targets). A backup cannot be recovered to a moment before it ended: it is not consistent until then.
    /// </summary>
    public static (BackupInfo? Backup, string? Error) Choose(IReadOnlyList<BackupInfo> backups, string reference, RecoveryTarget target)
    {
        var done = backups.Where(b => b.Status == BackupStatus.Done).OrderBy(b => b.OrderTime).ToList();
        if (reference is "latest" or "last")
        {
            var chosen = done.LastOrDefault(b => EndsBefore(b, target));
            return chosen is not null
                ? (chosen, null)
                : (null, done.Count == 0
                    ? "there is no DONE backup to recover from"
                    : $"no DONE backup ends before the target {target}: the oldest, {done[0].Id}, ends at {Describe(done[0])}");
        }

        var backup = reference is "oldest" or "first" ? done.FirstOrDefault() : backups.FirstOrDefault(b => b.Matches(reference));
        if (backup is null)
        {
            return (null, $"no backup \"{reference}\" in the catalog");
        }
        if (backup.Status != BackupStatus.Done)
        {
            return (null, $"backup {backup.Id} is {backup.Status.ToName()}, not DONE: "
                + (backup.Status == BackupStatus.WaitingForWals ? "the WAL it needs is not all archived yet" : "it cannot be restored"));
        }
        if (!EndsBefore(backup, target))
        {
            return (null, $"the target {target} is before the end of backup {backup.Id} ({Describe(backup)}): a backup is consistent "
                + "only from its end on; choose an older backup, or \"latest\" to let pgward choose");
        }
        return (backup, null);
    }

    private static bool EndsBefore(BackupInfo backup, RecoveryTarget target) => target.Kind switch
    {
        RecoveryTargetKind.Time => backup.EndTime <= target.Time,
        RecoveryTargetKind.Lsn => backup.EndLsn <= target.Lsn,
        _ => true,
    };

    private static string Describe(BackupInfo b) => $"{b.EndTime:yyyy-MM-dd HH:mm:ss}+00, LSN {b.EndLsn}";
}
