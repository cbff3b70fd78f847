namespace Pgward.Backup.Wal;

/// <summary>A <see cref="WalRestoreResult"/> with, when the file is damaged, what is wrong with it.</summary>
public sealed record WalRestoreOutcome(WalRestoreResult Result, string? Problem = null)
{
    public static readonly WalRestoreOutcome Restored = new(WalRestoreResult.Restored);
    public static readonly WalRestoreOutcome Missing = new(WalRestoreResult.Missing);
}
