namespace Pgward.Backup;

/// <summary>
/// Where a backup server keeps one cluster's backups and WAL, under <c>backup_directory</c>:
/// <code>
/// base/&lt;backup_id&gt;/            one base backup (id YYYYMMDDTHHMMSS): backup.info, verify-failed (what the last
///                                 failed backup verify found), data/ (backup_manifest and the data, below)
/// wals/&lt;timeline+log&gt;/&lt;segment&gt;  archived WAL, compressed (e.g. wals/0000000100000000/000000010000000000000003.zst)
/// wals/&lt;timeline&gt;.history       timeline history files, archived before the old timeline's .partial
/// streaming/                      the segment being received (&lt;segment&gt;.partial)
/// summaries/&lt;timeline+log&gt;/&lt;segment&gt;.summary  the relation blocks that the records beginning in an archived
///                                 segment touch, written by the receiver as segments arrive (Wal.WalSummaryStore)
/// errors/                         files set aside instead of deleted (a conflicting segment, a partial dropped by --reset)
/// identity.json                   the cluster's system identifier and WAL segment size, written on first contact
/// receive-wal.pid                 PID of the running WAL receiver
/// wal-verified                    the archived WAL files read back sound, with the size and time they had then
/// </code>
/// A base backup's data/ holds, for <c>backup_method = tar</c>, pg_basebackup's <c>base.tar.lz4</c> (and one
/// <c>&lt;oid&gt;.tar.lz4</c> per tablespace); for <c>files</c>, <c>pgdata/</c>: the data directory's tree with every
/// directory as a directory (empty ones such as pg_wal/ too), every file as <c>&lt;name&gt;.lz4</c> (an lz4 frame, what
/// the <c>lz4</c> tool reads; lz4 rather than zstd because compression is what bounds a backup's speed, and lz4
/// compresses several times faster at a ratio close to zstd level 1 on table data), backup_label and tablespace_map
/// from pg_backup_stop, a tablespace's files under <c>pgdata/pg_tblspc/&lt;oid&gt;/</c> (a directory, not a link). A file
/// an incremental found unchanged is a hard link to its parent's copy; a large file it found changed may be
/// <c>&lt;name&gt;.patch</c>, its changed blocks over the parent's copy (<see cref="Files.BlockPatch"/>, docs/backups.md),
/// which makes the parent a backup it needs (<c>patch_bases</c> in backup.info, <see cref="Catalog.PatchDependencies"/>).
/// Every component of pgward.Backup takes its paths from here, so the layout is described once.
/// </summary>
public sealed class BackupLayout(string root)
{
    public string Root { get; } = root;

    public string BaseDirectory => Path.Combine(Root, "base");

    public string WalDirectory => Path.Combine(Root, "wals");

    public string StreamingDirectory => Path.Combine(Root, "streaming");

    public string ErrorsDirectory => Path.Combine(Root, "errors");

    public string IdentityFile => Path.Combine(Root, "identity.json");

    public string ReceiverPidFile => Path.Combine(Root, "receive-wal.pid");

    /// <summary>Held (an exclusive lock on the open file) by the one <c>backup create</c> that copies a backup.</summary>
    public string BackupLockFile => Path.Combine(Root, "backup.lock");

    /// <summary>Where <c>receive-wal --reset</c> leaves the position the receiver restarts from (<c>TLI LSN</c>).</summary>
    public string ResetFile => Path.Combine(StreamingDirectory, "reset");

    /// <summary>The conninfo of every node of the cluster, saved whenever the metadata is read: where the receiver
    /// looks for the metadata when the configured node is down.</summary>
    public string KnownNodesFile => Path.Combine(Root, "nodes.cache");

    /// <summary>The archived WAL files that were read back sound (<see cref="Checks.WalArchiveVerifier"/>).</summary>
    public string VerifiedWalFile => Path.Combine(Root, "wal-verified");

    public string Backup(string backupId) => Path.Combine(BaseDirectory, backupId);

    /// <summary>Written by a <c>backup verify</c> that found problems (one per line), removed by one that found none:
    /// what <c>backup check</c> reports without re-reading the backup.</summary>
    public string VerifyFailedFile(string backupId) => Path.Combine(Backup(backupId), "verify-failed");

    /// <summary>The folder of a WAL segment: the first 16 hex digits of its name (timeline and log).</summary>
    public string WalFolder(string segmentName) => Path.Combine(WalDirectory, segmentName[..16]);

    /// <summary>An archived, compressed, completed segment.</summary>
    public string ArchivedSegment(string segmentName) => Path.Combine(WalFolder(segmentName), segmentName + ".zst");

    /// <summary>The archived last, unfinished segment of a timeline that ended (a promotion elsewhere).</summary>
    public string ArchivedPartial(string segmentName) => Path.Combine(WalFolder(segmentName), segmentName + ".partial.zst");

    /// <summary>Where the receiver keeps the block summaries of archived segments (<see cref="Wal.WalSummaryStore"/>).</summary>
    public string SummaryDirectory => Path.Combine(Root, "summaries");

    /// <summary>The block summary of the records that begin in an archived segment, e.g.
    /// <c>summaries/0000000100000000/000000010000000000000003.summary</c>.</summary>
    public string WalSummary(string segmentName) => Path.Combine(SummaryDirectory, segmentName[..16], segmentName + ".summary");

    /// <summary>A timeline history file, e.g. <c>wals/00000002.history</c>, uncompressed.</summary>
    public string HistoryFile(uint timeline) => Path.Combine(WalDirectory, $"{timeline:X8}.history");

    /// <summary>The segment being received.</summary>
    public string StreamingPartial(string segmentName) => Path.Combine(StreamingDirectory, segmentName + ".partial");
}
