using Pgward.Backup.Base;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Recovery;

/// <summary>
/// A backup's entries as the endpoint serves them, read through <see cref="BackupContent"/> whatever the backup's format:
/// the data directory's first, then each tablespace's under <c>pg_tblspc/&lt;oid&gt;/</c> (the names the backup_manifest
/// gives them), after a directory entry for the tablespace's root. A files backup does not keep a file's size beside its
/// compressed bytes: the manifest gives it.
/// </summary>
public sealed class ContentRestoreSource(string dataDirectory) : IRestoreSource
{
    public IEnumerable<RestoreSourceEntry> Entries(CancellationToken ct)
    {
        var content = BackupContent.Open(dataDirectory);
        Dictionary<string, long>? sizes = null;
        foreach (var part in content.Parts)
        {
            if (part.TablespaceOid is { } oid)
            {
                // The tablespace's own root: what pg_tblspc/<oid> leads to once PostgreSQL made the link.
                yield return new RestoreSourceEntry($"pg_tblspc/{oid}", RestoreEntry.Directory, 0, null, null);
            }
            foreach (var entry in part.Entries(ct))
            {
                ct.ThrowIfCancellationRequested();
                var path = entry.ManifestPath;
                if (path.Length == 0)
                {
                    continue;
                }
                if (path.Split('/').Any(p => p is ".." or "." or ""))
                {
                    throw new InvalidDataException($"{part.Name}: entry \"{entry.Path}\" is no path inside the data directory");
                }
                switch (entry.Kind)
                {
                    case ContentEntryKind.Directory:
                        yield return new RestoreSourceEntry(path, RestoreEntry.Directory, 0, null, null);
                        break;
                    case ContentEntryKind.SymbolicLink:
                        yield return new RestoreSourceEntry(path, RestoreEntry.Symlink, 0, entry.LinkTarget, null);
                        break;
                    case ContentEntryKind.File:
                        var size = entry.Length ?? SizeOf(path, sizes ??= ManifestSizes());
                        var data = entry.OpenData();
                        try
                        {
                            yield return new RestoreSourceEntry(path, RestoreEntry.File, size, null, data, entry.StoredFrame);
                        }
                        finally
                        {
                            data.Dispose();
                        }
                        break;
                }
            }
        }
    }

    private Dictionary<string, long> ManifestSizes()
    {
        var file = Path.Combine(dataDirectory, BackupManifest.FileName);
        return BackupManifest.Parse(File.ReadAllText(file)).Files.ToDictionary(f => f.Path, f => f.Size, StringComparer.Ordinal);
    }

    private static long SizeOf(string path, Dictionary<string, long> sizes) =>
        sizes.TryGetValue(path, out var size) ? size : throw new InvalidDataException($"{path} is stored in the backup but not in its backup_manifest");
}
