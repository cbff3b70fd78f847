using System.Buffers;
using System.Formats.Tar;
using Pgward.Backup.Base;

namespace Pgward.Backup.Recovery;

/// <summary>
/// Unpacks a backup's lz4 tar archives: <c>base.tar.lz4</c> into the destination, each tablespace's archive into the
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
    public long Restore(string dataDirectory, string destination, IReadOnlyDictionary<string, string> relocations, CancellationToken ct)
    {
        var archives = BackupArchive.In(dataDirectory);
        if (archives.Count == 0 || archives[0].TablespaceOid is not null)
        {
            throw new InvalidDataException($"{dataDirectory} holds no {BackupArchive.BaseArchiveName}");
        }
        if (relocations.Keys.FirstOrDefault(oid => archives.All(a => a.TablespaceOid != oid)) is { } unknown)
        {
            throw new InvalidDataException($"--tablespace {unknown}: the backup has no tablespace with that OID "
                + $"(it has: {string.Join(", ", archives.Skip(1).Select(a => a.TablespaceOid).DefaultIfEmpty("none"))})");
        }
        var total = Extract(archives[0], destination, ct);
        var map = ReadTablespaceMap(destination);
        foreach (var tablespace in archives.Skip(1))
        {
            var oid = tablespace.TablespaceOid!;
            if (!map.TryGetValue(oid, out var original))
            {
                throw new InvalidDataException($"{tablespace.FileName}: tablespace {oid} is not in the backup's tablespace_map");
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

    private long Extract(BackupArchive archive, string destination, CancellationToken ct)
    {
        Directory.CreateDirectory(destination);
        var root = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var (stream, reader) = archive.Open();
        var (written, reported) = (0L, 0L);
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                ct.ThrowIfCancellationRequested();
                var target = Path.GetFullPath(Path.Combine(destination, entry.Name));
                if (!target.StartsWith(root, StringComparison.Ordinal) && target + Path.DirectorySeparatorChar != root)
                {
                    throw new InvalidDataException($"{archive.FileName}: entry \"{entry.Name}\" points outside the destination");
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.SymbolicLink:
                        File.CreateSymbolicLink(target, entry.LinkName);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        written += WriteFile(entry, target, buffer);
                        break;
                }
                if (written - reported >= 64L << 20)
                {
                    reported = written;
                    progress($"{archive.FileName}: {written >> 20} MiB restored");
                }
            }
        }
        finally
        {
            reader.Dispose();
            stream.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return written;
    }

    private static long WriteFile(TarEntry entry, string target, byte[] buffer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = entry.Length,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var file = new FileStream(target, options);
        var size = 0L;
        if (entry.DataStream is { } data)
        {
            int read;
            while ((read = data.Read(buffer)) > 0)
            {
                file.Write(buffer, 0, read);
                size += read;
            }
        }
        if (size != entry.Length)
        {
            throw new InvalidDataException($"{entry.Name}: {size} bytes in the archive, its header says {entry.Length}");
        }
        return size;
    }

    /// <summary>Writes tablespace_map back, escaping as PostgreSQL does (a backslash before a backslash, newline or carriage return).</summary>
    private static void WriteTablespaceMap(string destination, Dictionary<string, string> map)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (oid, location) in map)
        {
            text.Append(oid).Append(' ');
            foreach (var c in location)
            {
                text.Append(c is '\\' or '\n' or '\r' ? "\\" + c : c.ToString());
            }
            text.Append('\n');
        }
        File.WriteAllText(Path.Combine(destination, TablespaceMap), text.ToString());
    }

    /// <summary>tablespace_map lines are <c>&lt;oid&gt; &lt;location&gt;</c>; a backslash escapes the next character.</summary>
    private static Dictionary<string, string> ReadTablespaceMap(string destination)
    {
        var path = Path.Combine(destination, TablespaceMap);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return map;
        }
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                var location = new System.Text.StringBuilder();
                for (var i = space + 1; i < line.Length; i++)
                {
                    location.Append(line[i] == '\\' && i + 1 < line.Length ? line[++i] : line[i]);
                }
                map[line[..space]] = location.ToString();
            }
        }
        return map;
    }
}
