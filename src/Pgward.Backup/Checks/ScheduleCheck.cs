using Pgward.Backup.Catalog;
using Pgward.Backup.Scheduling;

namespace Pgward.Backup.Checks;

/// <summary>
/// <c>backup check</c>'s "scheduled backups" line, present when <c>backup_schedule</c> or <c>backup_schedule_full</c> is
/// set: the last time the schedule gave must have a backup begun at or after it that did not fail. A missing one means
/// the daemon was not running (or missed it by more than half an interval), a FAILED one says why. Pure.
/// </summary>
public static class ScheduleCheck
{
    /// <summary>How long after its time a scheduled backup may not have begun yet: 5 minutes (the daemon begins it at
    /// the time, and may be starting).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    public const string Name = "scheduled backups";

    /// <summary>The check, or none when nothing is scheduled.</summary>
    public static IReadOnlyList<BackupCheckResult> Evaluate(BackupSchedule? schedule, IReadOnlyList<BackupInfo> backups, DateTimeOffset now)
    {
        if (schedule is null)
        {
            return [];
        }
        if (schedule.Previous(now) is not { } last)
        {
            return [new(Name, true, $"no scheduled time has passed yet ({schedule.Describe()})")];
        }
        var when = BackupListing.Time(last.At);
        var since = backups.Where(b => b.BeginTime >= last.At).ToList();
        if (since.FirstOrDefault(b => b.Status != BackupStatus.Failed) is { } taken)
        {
            return [new(Name, true, $"the {last.Label} of {when} was taken: {taken.Id} ({taken.Status.ToName()})")];
        }
        if (since.LastOrDefault() is { } failed)
        {
            return [new(Name, false, $"the scheduled {last.Label} of {when} failed: {failed.Error ?? "no error recorded"} (backup {failed.Id})")];
        }
        return now - last.At <= Grace
            ? [new(Name, true, $"the {last.Label} of {when} is about to begin")]
            : [new(Name, false, $"no backup began at or after the scheduled time {when}: is the backup daemon running (pgward daemon run)?")];
    }
}
