namespace Pgward.Backup.Wal;

/// <summary>The outcome of restoring one archived WAL file.</summary>
public enum WalRestoreResult
{
    Restored,
    Missing,
    Damaged,
}
