namespace Pgward.Backup;

/// <summary>
/// Where a backup server keeps one cluster's backups and WAL, under <c>backup_directory</c>:
/// <code>
/// base/&lt;backup_id&gt;/            one base backup (id YYYYMMDDTHHMMSS): backup.info, backup_manifest, the data
/// wals/&lt;timeline+log&gt;/&lt;segment&gt;  archived WAL, compressed (e.g. wals/0000000100000000/000000010000000000000003.zst)
/// wals/&lt;timeline&gt;.history       timeline history files, archived before the old timeline's .partial
/// streaming/                      the segment being received (&lt;segment&gt;.partial)
/// </code>
/// Every component of pgward.Backup takes its paths from here, so the layout is described once.
/// </summary>
public sealed class BackupLayout(string root)
{
    public string Root { get; } = root;

    public string BaseDirectory => Path.Combine(Root, "base");

    public string WalDirectory => Path.Combine(Root, "wals");

    public string StreamingDirectory => Path.Combine(Root, "streaming");

    public string Backup(string backupId) => Path.Combine(BaseDirectory, backupId);

    /// <summary>The folder of a WAL segment: the first 16 hex digits of its name (timeline and log).</summary>
    public string WalFolder(string segmentName) => Path.Combine(WalDirectory, segmentName[..16]);
}
