namespace Pgward.Backup;

/// <summary>
/// Where a backup server keeps one cluster's backups and WAL, under <c>backup_directory</c>:
/// <code>
/// base/&lt;backup_id&gt;/            one base backup (id YYYYMMDDTHHMMSS): backup.info, backup_manifest, the data
/// wals/&lt;timeline+log&gt;/&lt;segment&gt;  archived WAL, compressed (e.g. wals/0000000100000000/000000010000000000000003.zst)
/// wals/&lt;timeline&gt;.history       timeline history files, archived before the old timeline's .partial
/// streaming/                      the segment being received (&lt;segment&gt;.partial)
/// errors/                         files set aside instead of deleted (a conflicting segment, a partial dropped by --reset)
/// identity.json                   the cluster's system identifier and WAL segment size, written on first contact
/// receive-wal.pid                 PID of the running WAL receiver
/// wal-verified                    the archived WAL files read back sound, with the size and time they had then
/// </code>
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

    /// <summary>Where <c>receive-wal --reset</c> leaves the position the receiver restarts from (<c>TLI LSN</c>).</summary>
    public string ResetFile => Path.Combine(StreamingDirectory, "reset");

    /// <summary>The conninfo of every node of the cluster, saved whenever the metadata is read: where the receiver
    /// looks for the metadata when the configured node is down.</summary>
    public string KnownNodesFile => Path.Combine(Root, "nodes.cache");

    /// <summary>The archived WAL files that were read back sound (<see cref="Checks.WalArchiveVerifier"/>).</summary>
    public string VerifiedWalFile => Path.Combine(Root, "wal-verified");

    public string Backup(string backupId) => Path.Combine(BaseDirectory, backupId);

    /// <summary>The folder of a WAL segment: the first 16 hex digits of its name (timeline and log).</summary>
    public string WalFolder(string segmentName) => Path.Combine(WalDirectory, segmentName[..16]);

    /// <summary>An archived, compressed, completed segment.</summary>
    public string ArchivedSegment(string segmentName) => Path.Combine(WalFolder(segmentName), segmentName + ".zst");

    /// <summary>The archived last, unfinished segment of a timeline that ended (a promotion elsewhere).</summary>
    public string ArchivedPartial(string segmentName) => Path.Combine(WalFolder(segmentName), segmentName + ".partial.zst");

    /// <summary>A timeline history file, e.g. <c>wals/00000002.history</c>, uncompressed.</summary>
    public string HistoryFile(uint timeline) => Path.Combine(WalDirectory, $"{timeline:X8}.history");

    /// <summary>The segment being received.</summary>
    public string StreamingPartial(string segmentName) => Path.Combine(StreamingDirectory, segmentName + ".partial");
}
