namespace Pgward.Backup.Recovery;

/// <summary>
/// The entries of one backup, whatever its format, for serving it to a restore on another host
/// (<see cref="Http.RestoreRoutes"/>): <see cref="ContentRestoreSource"/>, over <see cref="BackupContent"/>.
/// </summary>
public interface IRestoreSource
{
    /// <summary>
    /// Every entry in the backup's order, directories before what they hold, paths as the backup_manifest names them (a
    /// tablespace's contents under <c>pg_tblspc/&lt;oid&gt;/</c>). A file's <see cref="RestoreSourceEntry.Data"/> can
    /// be read only until the next entry is asked for; one not read is skipped.
    /// </summary>
    IEnumerable<RestoreSourceEntry> Entries(CancellationToken ct);
}
