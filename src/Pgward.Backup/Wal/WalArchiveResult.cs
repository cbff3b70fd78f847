namespace Pgward.Backup.Wal;

/// <summary>What adding a file to the archive did.</summary>
public enum WalArchiveResult
{
    Archived,
    /// <summary>The same content was archived before (a segment streamed again after a restart).</summary>
    AlreadyArchived,
    /// <summary>A file of that name is archived with other content: two histories claim the same name. Nothing was changed.</summary>
    Conflict,
}
