namespace Pgward.Cluster.Backups;

/// <summary>
/// <c>GET /backups/{id}/manifest</c> of a backup server's endpoint: everything a restore onto another host needs to
/// know before it asks for files: every entry with its size and checksum, and where the tablespaces go.
/// </summary>
/// <param name="Id">The backup's id (the one asked for may have been <c>latest</c> or a name).</param>
/// <param name="Method"><c>tar</c> (pg_basebackup's archives) or <c>files</c>.</param>
/// <param name="SystemIdentifier">The cluster's system identifier: a restore checks it against the upstream's.</param>
/// <param name="EndLsn">Where the backup is consistent, as PostgreSQL writes an LSN.</param>
/// <param name="Entries">Directories before what they hold; paths relative to the data directory, a tablespace's
/// contents under <c>pg_tblspc/&lt;oid&gt;/</c>.</param>
/// <param name="Tablespaces">The backup's tablespace_map: where each tablespace's contents go.</param>
/// <param name="EndedBeforeXid">Every transaction before this one had ended when the backup read its control file
/// (<see cref="ControlFileXids"/>); null when it is not known (then a delta keeps only pages matching strictly).</param>
public sealed record RestoreManifest(
    string Id,
    string Method,
    string SystemIdentifier,
    uint Timeline,
    string? BeginLsn,
    string? EndLsn,
    IReadOnlyList<RestoreEntry> Entries,
    IReadOnlyList<RestoreTablespace> Tablespaces,
    uint? EndedBeforeXid = null)
{
    /// <summary>Bytes of all the files: what a full restore writes.</summary>
    public long TotalSize => Entries.Where(e => e.Kind == RestoreEntry.File).Sum(e => e.Size);
}
