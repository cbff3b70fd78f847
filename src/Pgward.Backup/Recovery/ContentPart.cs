namespace Pgward.Backup.Recovery;

/// <summary>The data directory's part of a backup, or one tablespace's: what restores to one place.</summary>
public abstract class ContentPart
{
    /// <summary>How messages name the part: <c>base.tar.lz4</c>, <c>pgdata/pg_tblspc/16385</c>...</summary>
    public abstract string Name { get; }

    /// <summary>The tablespace's OID, or null for the data directory.</summary>
    public abstract string? TablespaceOid { get; }

    /// <summary>The entries, read in one pass: a tar archive can only be read forward. A damaged part throws
    /// <see cref="InvalidDataException"/>, <see cref="IOException"/> or the like from the enumeration.</summary>
    public abstract IEnumerable<ContentEntry> Entries(CancellationToken ct);
}
