namespace Pgward.Backup.Wal;

/// <summary>
/// Exit codes of <c>backup wal-restore</c>, chosen for PostgreSQL's <c>restore_command</c>: any non-zero code means
/// "not available" and ends recovery there as if the WAL ended, except codes above 125 (and signals), which make the
/// startup process stop with FATAL. A damaged file or a hole must stop recovery, never end it early and quietly.
/// </summary>
public static class WalRestoreExitCodes
{
    public const int Restored = 0;

    /// <summary>Not archived (yet): the end of the archived WAL, a history file probed for, the segment still being streamed.</summary>
    public const int Missing = 1;

    /// <summary>The archived file is damaged, or missing although later segments of its timeline are archived.</summary>
    public const int Damaged = 200;

    /// <summary>wal-restore itself cannot work (configuration, permissions): recovery must not take that for the end of the WAL.</summary>
    public const int Failed = 201;
}
