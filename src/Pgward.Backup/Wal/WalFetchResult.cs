namespace Pgward.Backup.Wal;

/// <summary>How one <c>backup wal-fetch</c> ended, before it becomes an exit code (<see cref="WalFetchExitCodes"/>).</summary>
public enum WalFetchResult
{
    Restored,

    /// <summary>The backup server has no such file: the end of the archived WAL, or a probe for a history file.</summary>
    Missing,

    /// <summary>The file is damaged (on the backup server, in the spool or on the way), or missing although later
    /// segments of its timeline are archived (a hole).</summary>
    Damaged,

    /// <summary>The backup server cannot be asked: unreachable, timed out, its certificate untrusted, the token refused,
    /// an internal error. Its WAL may well be there.</summary>
    Unavailable,

    /// <summary>wal-fetch itself cannot work here: the destination cannot be written, a bad argument.</summary>
    Failed,
}
