using Pgward.Backup.Base;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Catalog;

/// <summary>
/// What the catalog knows of one base backup: the contents of its <c>backup.info</c>. Written when the backup
/// starts (<see cref="BackupStatus.Started"/>) and rewritten, whole and atomically, whenever it changes.
/// </summary>
public sealed record BackupInfo
{
    /// <summary>The id, <c>YYYYMMDDTHHMMSS</c> (UTC time the backup started), also the directory name under base/.</summary>
    public required string Id { get; init; }

    /// <summary>Optional name given with <c>backup create --name</c>; accepted wherever an id is.</summary>
    public string? Name { get; init; }

    public required BackupStatus Status { get; init; }

    /// <summary>A kept backup is never removed by retention nor by <c>backup delete</c> (<c>backup keep --release</c> ends it).</summary>
    public bool Keep { get; init; }

    /// <summary>The cluster's system identifier (pg_control_system()), checked against the archive and the cluster.</summary>
    public required string SystemIdentifier { get; init; }

    /// <summary><c>server_version_num</c> of the server backed up, e.g. 150018.</summary>
    public int ServerVersion { get; init; }

    /// <summary>Name or conninfo host of the node the backup was taken from.</summary>
    public string? SourceNode { get; init; }

    /// <summary>The source's data directory and configuration files when the backup began (Barman's <c>pgdata</c>,
    /// <c>config_file</c>, <c>hba_file</c>, <c>ident_file</c>); unknown in older backups.</summary>
    public ServerFiles SourceFiles { get; init; } = ServerFiles.Unknown;

    /// <summary>Timeline the backup started on (the manifest's WAL range).</summary>
    public uint Timeline { get; init; }

    public Lsn BeginLsn { get; init; }

    public Lsn EndLsn { get; init; }

    public required DateTimeOffset BeginTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Bytes the backup occupies on the backup server (compressed archives and manifest); of a files
    /// backup, the bytes it stored itself, without the files hard-linked from its parent (<see cref="LinkedSize"/>).</summary>
    public long Size { get; init; }

    /// <summary>How the backup is stored; <see cref="BackupMethod.Tar"/> when backup.info does not say (older backups).</summary>
    public BackupMethod Method { get; init; } = BackupMethod.Tar;

    /// <summary>The backup an incremental was compared with and shares unchanged files with (hard links); null for a full one.</summary>
    public string? Parent { get; init; }

    /// <summary>Of a files backup: bytes of files hard-linked from <see cref="Parent"/>, which <see cref="Size"/> (what this
    /// backup added) does not count. Deleting the parent frees none of them: they then belong to this backup alone.</summary>
    public long LinkedSize { get; init; }

    /// <summary>A files backup's block patches lie over these backups' copies (<see cref="Files.BlockPatch"/>): it cannot
    /// be restored without them, so retention and <c>backup delete</c> keep them while it is kept. Empty when it stores
    /// every file whole or as a hard link.</summary>
    public IReadOnlyList<string> PatchBases { get; init; } = [];

    /// <summary>Of a files backup: when the agent began listing the data directory, on the node's clock. A file last
    /// modified before that was copied as it is now (<see cref="Files.ReuseDecision"/>).</summary>
    public DateTimeOffset? ListTime { get; init; }

    /// <summary>Of a files backup: whether the server computed data checksums (<c>data_checksums</c>) when it began; null
    /// when the agent did not say (older backups). A page's LSN proves it unchanged since this backup only while this
    /// stays the same (<see cref="Files.LsnDelta"/>): <c>pg_checksums --enable</c> rewrites every page and keeps its LSN.</summary>
    public bool? DataChecksums { get; init; }

    /// <summary>Bytes of the data directory the backup holds, uncompressed (sum of the manifest's file sizes).</summary>
    public long DataSize { get; init; }

    /// <summary>The PID of the <c>backup create</c> that copies it, while it is <see cref="BackupStatus.Started"/>: a
    /// STARTED backup whose process is gone (killed, or its host died) was interrupted, and the catalog marks it
    /// FAILED (<see cref="BackupWalCompletion"/>) instead of listing it as running forever.</summary>
    public int? Pid { get; init; }

    /// <summary>Why the backup failed, on one line.</summary>
    public string? Error { get; init; }

    /// <summary>First WAL segment the backup needs; null until the begin LSN is known.</summary>
    public WalSegment? BeginWal => BeginLsn.IsValid ? WalSegment.Containing(Timeline, BeginLsn, WalSegment.DefaultSize) : null;

    /// <summary>Last WAL segment the backup needs to be consistent; null until the end LSN is known.</summary>
    public WalSegment? EndWal => EndLsn.IsValid ? WalSegment.ContainingLastByteBefore(Timeline, EndLsn, WalSegment.DefaultSize) : null;

    /// <summary>The time by which retention orders backups: the end, or the begin while unfinished.</summary>
    public DateTimeOffset OrderTime => EndTime ?? BeginTime;

    public bool Matches(string idOrName) =>
        string.Equals(Id, idOrName, StringComparison.Ordinal) || string.Equals(Name, idOrName, StringComparison.Ordinal);
}
