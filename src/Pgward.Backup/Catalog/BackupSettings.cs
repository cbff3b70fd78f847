using Pgward.Backup.Retention;

namespace Pgward.Backup.Catalog;

/// <summary>
/// The <c>[backup]</c> values that base backups, the catalog, retention and recovery use, as plain values, made
/// from the section bound by <see cref="BackupOptions.Bind"/> (<see cref="From"/>): one parser for the daemon and
/// the commands.
/// </summary>
/// <param name="BackupDirectory"><c>backup_directory</c>: root of the backup server's files for this cluster.</param>
/// <param name="Conninfo"><c>conninfo</c>: any node of the cluster; the primary is found from the metadata there.</param>
/// <param name="RetentionPolicy"><c>retention_policy</c>; null keeps every backup.</param>
/// <param name="MinimumRedundancy"><c>minimum_redundancy</c>: DONE backups that retention and <c>backup delete</c> always leave (default 0).</param>
/// <param name="SlotName"><c>slot_name</c>: the receiver's physical replication slot, checked by <c>backup check</c>.</param>
public sealed record BackupSettings(
    string BackupDirectory,
    string Conninfo,
    RetentionPolicy? RetentionPolicy,
    int MinimumRedundancy,
    string? SlotName)
{
    /// <summary>The settings of a bound <c>[backup]</c> section (whose retention_policy <see cref="BackupOptions.Bind"/> checked).</summary>
    public static BackupSettings From(BackupOptions options)
    {
        RetentionPolicy? policy = null;
        if (options.RetentionPolicy.Length > 0 && !RetentionPolicy.TryParse(options.RetentionPolicy, out policy, out var error))
        {
            throw new ArgumentException($"retention_policy was not checked: {error}", nameof(options));
        }
        var scheduleErrors = new List<(string Key, string Message)>();
        var schedule = Scheduling.BackupSchedule.Parse(options.BackupSchedule, options.BackupScheduleFull, options.BackupScheduleTimeZone, scheduleErrors);
        if (scheduleErrors.Count > 0)
        {
            throw new ArgumentException($"{scheduleErrors[0].Key} was not checked: {scheduleErrors[0].Message}", nameof(options));
        }
        return new BackupSettings(options.BackupDirectory, options.Conninfo, policy, options.MinimumRedundancy, options.SlotName)
        {
            Schedule = schedule,
            Method = options.BackupMethod == "files" ? BackupMethod.Files : BackupMethod.Tar,
            ReuseByLink = options.ReuseBackup == "link",
            ParallelJobs = options.ParallelJobs,
            WalSummaries = options.WalSummaries switch { "on" => WalSummaryUse.On, "off" => WalSummaryUse.Off, _ => WalSummaryUse.Auto },
        };
    }

    /// <summary><c>backup_schedule</c>, <c>backup_schedule_full</c> and <c>backup_schedule_timezone</c>: when the daemon takes
    /// backups by itself; null when nothing is scheduled.</summary>
    public Scheduling.BackupSchedule? Schedule { get; init; }

    /// <summary><c>backup_method</c>: how <c>backup create</c> takes a backup unless told otherwise.</summary>
    public BackupMethod Method { get; init; } = BackupMethod.Tar;

    /// <summary><c>reuse_backup = link</c>: files backups are incremental unless <c>backup create --full</c>.</summary>
    public bool ReuseByLink { get; init; }

    /// <summary><c>parallel_jobs</c>: files read, compressed and sent at once by a files backup (default 2).</summary>
    public int ParallelJobs { get; init; } = 2;

    /// <summary><c>wal_summaries</c>: when an incremental reads the WAL for the pages it names (default auto).</summary>
    public WalSummaryUse WalSummaries { get; init; } = WalSummaryUse.Auto;

    /// <summary>How long <c>backup create --wait</c> waits for the WAL the backup needs (default 60 s).</summary>
    public TimeSpan WalWaitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>backup check</c> fails when the newest backup is older than this (default 7 days).</summary>
    public TimeSpan LastBackupMaximumAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>backup check</c> fails when the newest archived segment is older than this (default 1 hour:
    /// an idle primary writes a segment at least every checkpoint_timeout when archive_timeout is set).</summary>
    public TimeSpan LastWalMaximumAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>backup check</c> fails when the backup directory's file system has less free space (default 1 GiB).</summary>
    public long MinimumFreeSpace { get; init; } = 1L << 30;
}
