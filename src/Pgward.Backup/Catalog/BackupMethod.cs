namespace Pgward.Backup.Catalog;

/// <summary>How a base backup was taken and is stored (<c>backup.info</c>'s <c>method</c>).</summary>
public enum BackupMethod
{
    /// <summary>pg_basebackup's tar archives, lz4-compressed (<c>base.tar.lz4</c>, one per tablespace): the default.</summary>
    Tar,
    /// <summary>Read file by file by the node's agent, each file stored compressed under <c>pgdata/</c>; an
    /// incremental hard-links its parent's unchanged files (see <see cref="BackupLayout"/>).</summary>
    Files,
}
