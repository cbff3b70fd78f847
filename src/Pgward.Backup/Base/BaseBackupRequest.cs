namespace Pgward.Backup.Base;

/// <summary><c>backup create</c>'s choices.</summary>
/// <param name="Wait">Wait (up to <see cref="WaitTimeout"/>) until the WAL the backup needs is archived.</param>
/// <param name="Name">A name to refer to the backup by, besides its id.</param>
/// <param name="FromNode">Name or ID of the node to back up; default: the primary.</param>
public sealed record BaseBackupRequest(bool Wait, string? Name, string? FromNode)
{
    /// <summary>How long --wait waits; default <see cref="Catalog.BackupSettings.WalWaitTimeout"/>.</summary>
    public TimeSpan? WaitTimeout { get; init; }

    /// <summary>True: an incremental files backup (<c>--incremental</c>); false: a full one (<c>--full</c>); null: as
    /// <c>backup_method</c> and <c>reuse_backup</c> say.</summary>
    public bool? Incremental { get; init; }
}
