using System.Collections.Concurrent;

namespace Pgward.Backup.Base;

/// <summary>What a files backup stored so far, added to by its parallel jobs.</summary>
public sealed class FilesCopyTally
{
    private long storedBytes;
    private long linkedBytes;
    private long readBytes;
    private int sent;
    private int linked;
    private int unchanged;
    private int patched;
    private readonly ConcurrentDictionary<string, bool> patchBases = new(StringComparer.Ordinal);

    public ConcurrentBag<ManifestFile> Entries { get; } = [];

    /// <summary>Compressed bytes this backup wrote itself.</summary>
    public long StoredBytes => Interlocked.Read(ref storedBytes);

    /// <summary>Compressed bytes of the parent's files it hard-linked.</summary>
    public long LinkedBytes => Interlocked.Read(ref linkedBytes);

    /// <summary>Uncompressed bytes the agent read (sent or checksummed).</summary>
    public long ReadBytes => Interlocked.Read(ref readBytes);

    public int Sent => sent;

    /// <summary>Files sent as their changed blocks only (<see cref="Files.BlockPatch"/>), counted in <see cref="Sent"/> too.</summary>
    public int Patched => patched;

    /// <summary>The backups this one's patches lie over (its own, and those of the parent's patches it linked): the
    /// backups it cannot be restored without.</summary>
    public IReadOnlyList<string> PatchBases => [.. patchBases.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Files linked without being read (size and mtime).</summary>
    public int Linked => linked;

    /// <summary>Files read and checksummed by the agent and found equal to the parent's copy.</summary>
    public int Unchanged => unchanged;

    /// <param name="read">The bytes the agent read of it: the file's size (null) unless the WAL named the pages to read.</param>
    public long AddStored(ManifestFile entry, long compressed, long? read = null)
    {
        Entries.Add(entry);
        Interlocked.Increment(ref sent);
        Interlocked.Add(ref readBytes, read ?? entry.Size);
        return Interlocked.Add(ref storedBytes, compressed);
    }

    /// <summary>A file stored as a patch over <paramref name="baseBackupId"/>'s copy.</summary>
    public void AddPatched(ManifestFile entry, long compressed, string baseBackupId, long? read = null)
    {
        AddStored(entry, compressed, read);
        Interlocked.Increment(ref patched);
        patchBases[baseBackupId] = true;
    }

    /// <summary>A parent's copy linked into this backup; a patch keeps needing the backup it lies over.</summary>
    public void AddLinked(ManifestFile entry, long compressed, bool read, string? patchBase)
    {
        if (patchBase is not null)
        {
            patchBases[patchBase] = true;
        }
        AddLinked(entry, compressed, read);
    }

    public void AddLinked(ManifestFile entry, long compressed, bool read)
    {
        Entries.Add(entry);
        Interlocked.Add(ref linkedBytes, compressed);
        if (read)
        {
            Interlocked.Increment(ref unchanged);
            Interlocked.Add(ref readBytes, entry.Size);
        }
        else
        {
            Interlocked.Increment(ref linked);
        }
    }
}
