namespace Pgward.Backup.Scheduling;

/// <summary>What a scheduled run takes.</summary>
public enum ScheduledBackupKind
{
    /// <summary>A full backup: the run is due under <c>backup_schedule_full</c> (whether or not <c>backup_schedule</c> also
    /// gives that time).</summary>
    Full,

    /// <summary>An incremental backup: the run is due under <c>backup_schedule</c> only, and <c>backup_schedule_full</c>
    /// is set (the full backups come from it).</summary>
    Incremental,

    /// <summary>What <c>backup create</c> without options takes: <c>backup_schedule</c> alone is set, so the schedule
    /// says nothing of the kind and <c>[backup]</c>'s default method decides.</summary>
    Default,
}
