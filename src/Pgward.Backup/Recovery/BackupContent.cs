using Pgward.Backup.Base;
using Pgward.Backup.Files;

namespace Pgward.Backup.Recovery;

/// <summary>
/// What a backup holds, whatever its format: the parts (data directory first, then each tablespace) and their
/// entries. The one place that knows the formats: restores (<see cref="BackupRestorer"/>), <c>backup verify</c>
/// and whoever serves a backup over the network read backups through it.
/// </summary>
public sealed class BackupContent(IReadOnlyList<ContentPart> parts)
{
    /// <summary>The data directory's part first, then the tablespaces by OID.</summary>
    public IReadOnlyList<ContentPart> Parts => parts;

    /// <summary>The content of the backup whose <c>data</c> directory (<see cref="Catalog.BackupCatalog.DataDirectory"/>)
    /// is given: a files backup when it holds <c>pgdata/</c>, pg_basebackup's tar archives otherwise. Throws
    /// <see cref="InvalidDataException"/> when the data directory's part is missing.</summary>
    public static BackupContent Open(string backupDataDirectory)
    {
        var root = StoredFiles.Root(backupDataDirectory);
        if (Directory.Exists(root))
        {
            var tablespaces = Path.Combine(root, "pg_tblspc");
            IEnumerable<string> oids = Directory.Exists(tablespaces)
                ? Directory.EnumerateDirectories(tablespaces).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)
                : [];
            return new BackupContent([new FilesContentPart(backupDataDirectory, root, null),
                .. oids.Select(oid => new FilesContentPart(backupDataDirectory, Path.Combine(tablespaces, oid), oid))]);
        }
        var archives = BackupArchive.In(backupDataDirectory);
        if (archives.Count == 0 || archives[0].TablespaceOid is not null)
        {
            throw new InvalidDataException($"{backupDataDirectory} holds neither {BackupArchive.BaseArchiveName} nor {StoredFiles.DirectoryName}/");
        }
        return new BackupContent([.. archives.Select(a => new TarContentPart(a))]);
    }
}
