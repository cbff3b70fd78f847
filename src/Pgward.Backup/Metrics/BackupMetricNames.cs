using Pgward.Http.Metrics;
using static Pgward.Http.Metrics.MetricKind;

namespace Pgward.Backup.Metrics;

/// <summary>Every metric the backup server's daemon serves at <c>/metrics</c>, each with the <c>cluster</c> label and the
/// backup server's <c>name</c> as <c>node</c>; docs/monitoring.md explains them.</summary>
public static class BackupMetricNames
{
    public static readonly MetricDefinition LastBackupAge = new("pgward_backup_last_age_seconds", Gauge,
        "Seconds since the newest DONE backup ended; absent while there is none.");
    public static readonly MetricDefinition LastBackupDuration = new("pgward_backup_last_duration_seconds", Gauge,
        "How long the newest DONE backup took, from its start to its end.");
    public static readonly MetricDefinition Backups = new("pgward_backups", Gauge,
        "Backups in the catalog, by status (done, waiting_for_wals, started, failed).", "status");
    public static readonly MetricDefinition ArchiveLagBytes = new("pgward_wal_archive_lag_bytes", Gauge,
        "Bytes of WAL the primary wrote that the archive has not flushed yet; absent when the primary cannot be asked.");
    public static readonly MetricDefinition ArchiveLagSeconds = new("pgward_wal_archive_lag_seconds", Gauge,
        "How far behind the primary the archive is: 0 when caught up, else the receiver's flush_lag, or the time since WAL last arrived when it is not streaming.");
    public static readonly MetricDefinition LastSegment = new("pgward_wal_archive_last_segment", Gauge,
        "The newest archived WAL segment as a number (the WAL position of its start / 16 MB; the segment name's last 16 hex digits), by timeline of the newest.", "timeline");
    public static readonly MetricDefinition ArchiveBytes = new("pgward_wal_archive_bytes", Gauge,
        "Bytes the archived WAL occupies on disk.");
    public static readonly MetricDefinition DiskFree = new("pgward_backup_disk_free_bytes", Gauge,
        "Bytes free on the file system of backup_directory.");
    public static readonly MetricDefinition Check = new("pgward_backup_check_ok", Gauge,
        "1 when the check of that name (as pgward backup check shows it) passes, 0 when it fails.", "check");

    public static IReadOnlyList<MetricDefinition> All { get; } =
        [LastBackupAge, LastBackupDuration, Backups, ArchiveLagBytes, ArchiveLagSeconds, LastSegment, ArchiveBytes, DiskFree, Check];
}
