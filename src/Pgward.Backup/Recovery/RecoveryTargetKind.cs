namespace Pgward.Backup.Recovery;

/// <summary>How far recovery replays: PostgreSQL's <c>recovery_target_*</c> settings.</summary>
public enum RecoveryTargetKind
{
    /// <summary>No target: replay all the archived WAL there is.</summary>
    EndOfWal,
    Time,
    Xid,
    Name,
    Lsn,
    /// <summary><c>recovery_target = 'immediate'</c>: stop as soon as the backup is consistent.</summary>
    Immediate,
}
