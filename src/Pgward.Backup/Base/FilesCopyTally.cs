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

    public ConcurrentBag<ManifestFile> Entries { get; } = [];

    /// <summary>Compressed bytes this backup wrote itself.</summary>
    public long StoredBytes => Interlocked.Read(ref storedBytes);

    /// <summary>Compressed bytes of the parent's files it hard-linked.</summary>
    public long LinkedBytes => Interlocked.Read(ref linkedBytes);

    /// <summary>Uncompressed bytes the agent read (sent or checksummed).</summary>
    public long ReadBytes => Interlocked.Read(ref readBytes);

    public int Sent => sent;

    /// <summary>Files linked without being read (size and mtime).</summary>
    public int Linked => linked;

    /// <summary>Files read and checksummed by the agent and found equal to the parent's copy.</summary>
    public int Unchanged => unchanged;

    public long AddStored(ManifestFile entry, long compressed)
    {
        Entries.Add(entry);
        Interlocked.Increment(ref sent);
        Interlocked.Add(ref readBytes, entry.Size);
        return Interlocked.Add(ref storedBytes, compressed);
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
