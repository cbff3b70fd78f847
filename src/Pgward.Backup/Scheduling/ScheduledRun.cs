namespace Pgward.Backup.Scheduling;

/// <summary>One time the schedule gives, and the kind of backup due then.</summary>
/// <param name="At">The time the run is due (UTC offset as the schedule's time zone gives it).</param>
public sealed record ScheduledRun(DateTimeOffset At, ScheduledBackupKind Kind)
{
    /// <summary>"full backup", "incremental backup" or "backup", for status lines and logs.</summary>
    public string Label => Kind switch
    {
        ScheduledBackupKind.Full => "full backup",
        ScheduledBackupKind.Incremental => "incremental backup",
        _ => "backup",
    };
}
