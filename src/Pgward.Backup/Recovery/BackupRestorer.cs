using System.Buffers;

namespace Pgward.Backup.Recovery;

/// <summary>
/// Unpacks a backup (<see cref="BackupContent"/>: pg_basebackup's lz4 tar archives, or a files backup's tree): the data
/// directory's part (<c>base.tar.lz4</c>, <c>pgdata/</c>) into the destination, each tablespace's part into the
/// location its <c>tablespace_map</c> line names (where PostgreSQL recreates the pg_tblspc link at startup), or the
/// location given for its OID, in which case tablespace_map is rewritten to name it.
/// The unpacking is synchronous: one sequential stream of decompress-and-write over thousands of mostly small files,
/// where an await per read and write would only add thread-pool hops.
/// </summary>
public sealed class BackupRestorer(Action<string> progress)
{
    private const string TablespaceMap = "tablespace_map";

    /// <summary>The tablespace locations written to, so the caller can give them to the server account too (or
    /// empty them again after a failure).</summary>
    public List<string> TablespaceLocations { get; } = [];

    /// <summary>Unpacks every archive; returns the bytes written. Throws <see cref="InvalidDataException"/> when an
    /// archive is damaged, a tablespace location is in use, or <paramref name="relocations"/> (OID to location)
    /// names a tablespace the backup does not have.</summary>
    public long Restore(string dataDirectory, string destination, IReadOnlyDictionary<string, string> relocations, CancellationToken ct) =>
        Restore(BackupContent.Open(dataDirectory), destination, relocations, ct);

    /// <summary>Restores <paramref name="content"/>, whatever its format (<see cref="BackupContent"/>).</summary>
    public long Restore(BackupContent content, string destination, IReadOnlyDictionary<string, string> relocations, CancellationToken ct)
    {
        var parts = content.Parts;
        if (relocations.Keys.FirstOrDefault(oid => parts.All(a => a.TablespaceOid != oid)) is { } unknown)
        {
            throw new InvalidDataException($"--tablespace {unknown}: the backup has no tablespace with that OID "
                + $"(it has: {string.Join(", ", parts.Skip(1).Select(a => a.TablespaceOid).DefaultIfEmpty("none"))})");
        }
        var total = Extract(parts[0], destination, ct);
        var map = ReadTablespaceMap(destination);
        foreach (var tablespace in parts.Skip(1))
        {
            var oid = tablespace.TablespaceOid!;
            if (!map.TryGetValue(oid, out var original))
            {
                throw new InvalidDataException($"{tablespace.Name}: tablespace {oid} is not in the backup's tablespace_map");
            }
            var location = relocations.GetValueOrDefault(oid) ?? original;
            if (Directory.Exists(location) && Directory.EnumerateFileSystemEntries(location).Any())
            {
                throw new InvalidDataException($"tablespace {oid} restores to {location}, which is not empty; "
                    + $"restore it elsewhere with --tablespace {oid}:/new/location");
            }
            TablespaceLocations.Add(location);
            total += Extract(tablespace, location, ct);
            map[oid] = location;
        }
        if (relocations.Count > 0)
        {
            WriteTablespaceMap(destination, map);
        }
        return total;
    }

    private long Extract(ContentPart part, string destination, CancellationToken ct)
    {
        Directory.CreateDirectory(destination);
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var (written, reported) = (0L, 0L);
        try
        {
            foreach (var entry in part.Entries(ct))
            {
                var target = Path.GetFullPath(Path.Combine(destination, entry.Path));
                if (!target.StartsWith(root, StringComparison.Ordinal) && target + Path.DirectorySeparatorChar != root)
                {
                    throw new InvalidDataException($"{part.Name}: entry \"{entry.Path}\" points outside the destination");
                }
                switch (entry.Kind)
                {
                    case ContentEntryKind.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case ContentEntryKind.SymbolicLink:
                        File.CreateSymbolicLink(target, entry.LinkTarget!);
                        break;
                    case ContentEntryKind.File:
                        written += WriteFile(entry, target, buffer);
                        break;
                }
                if (written - reported >= 64L << 20)
                {
                    reported = written;
                    progress($"{part.Name}: {written >> 20} MiB restored");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return written;
    }

    private static long WriteFile(ContentEntry entry, string target, byte[] buffer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = entry.Length ?? 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var file = new FileStream(target, options);
        using var data = entry.OpenData();
        var size = 0L;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            file.Write(buffer, 0, read);
            size += read;
        }
        if (entry.Length is { } length && size != length)
        {
            throw new InvalidDataException($"{entry.Path}: {size} bytes in the archive, its header says {length}");
        }
        return size;
    }

    private static void WriteTablespaceMap(string destination, Dictionary<string, string> map) =>
        File.WriteAllText(Path.Combine(destination, TablespaceMap), Cluster.Backups.TablespaceMap.Render(map));

    private static Dictionary<string, string> ReadTablespaceMap(string destination)
    {
        var path = Path.Combine(destination, TablespaceMap);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var (oid, location) in Cluster.Backups.TablespaceMap.Parse(File.ReadAllText(path)))
            {
                map[oid] = location;
            }
        }
        return map;
    }
}
