using System.Formats.Tar;
using Pgward.Backup.Base;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Recovery;

/// <summary>
/// A tar-format backup's entries: <c>base.tar.lz4</c> first, then each tablespace's archive with its entries under
/// <c>pg_tblspc/&lt;oid&gt;/</c> (the names the backup_manifest gives them). Tar entries of other types (hard links,
/// devices) pg_basebackup does not write, and are skipped as <see cref="BackupRestorer"/> skips them.
/// </summary>
public sealed class TarRestoreSource(string dataDirectory) : IRestoreSource
{
    public IEnumerable<RestoreSourceEntry> Entries(CancellationToken ct)
    {
        var archives = BackupArchive.In(dataDirectory);
        if (archives.Count == 0 || archives[0].TablespaceOid is not null)
        {
            throw new InvalidDataException($"{dataDirectory} holds no {BackupArchive.BaseArchiveName}");
        }
        foreach (var archive in archives)
        {
            if (archive.TablespaceOid is { } oid)
            {
                // The tablespace's own root: what pg_tblspc/<oid> leads to once PostgreSQL made the link.
                yield return new RestoreSourceEntry($"pg_tblspc/{oid}", RestoreEntry.Directory, 0, null, null);
            }
            var (stream, reader) = archive.Open();
            try
            {
                while (reader.GetNextEntry(copyData: false) is { } entry)
                {
                    ct.ThrowIfCancellationRequested();
                    var path = archive.ManifestPath(entry);
                    if (path.Length == 0)
                    {
                        continue;
                    }
                    if (path.Split('/').Any(part => part is ".." or "." or ""))
                    {
                        throw new InvalidDataException($"{archive.FileName}: entry \"{entry.Name}\" is no path inside the data directory");
                    }
                    switch (entry.EntryType)
                    {
                        case TarEntryType.Directory:
                            yield return new RestoreSourceEntry(path, RestoreEntry.Directory, 0, null, null);
                            break;
                        case TarEntryType.SymbolicLink:
                            yield return new RestoreSourceEntry(path, RestoreEntry.Symlink, 0, entry.LinkName, null);
                            break;
                        case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                            yield return new RestoreSourceEntry(path, RestoreEntry.File, entry.Length, null, entry.DataStream ?? Stream.Null);
                            break;
                    }
                }
            }
            finally
            {
                reader.Dispose();
                stream.Dispose();
            }
        }
    }
}
