using Pgward.Backup.Files;

namespace Pgward.Backup.Recovery;

/// <summary>
/// The data directory's or one tablespace's part of a <see cref="Catalog.BackupMethod.Files"/> backup: a directory tree
/// under <c>pgdata/</c> whose files are <c>&lt;name&gt;.lz4</c> or <c>&lt;name&gt;.patch</c> (read through
/// <see cref="StoredCopy"/>, which follows a patch's chain); block maps (<c>.blocks</c>) are not part of the content. The
/// data directory's part leaves out the tablespaces' trees under <c>pg_tblspc/</c> (each is a part of its own, restored
/// where tablespace_map says).
/// </summary>
/// <param name="backupDataDirectory">The backup's <c>data</c> directory (<c>base/&lt;id&gt;/data</c>).</param>
public sealed class FilesContentPart(string backupDataDirectory, string root, string? tablespaceOid) : ContentPart
{
    public override string Name => tablespaceOid is null ? StoredFiles.DirectoryName : $"{StoredFiles.DirectoryName}/pg_tblspc/{tablespaceOid}";

    public override string? TablespaceOid => tablespaceOid;

    private string Prefix => tablespaceOid is null ? "" : $"pg_tblspc/{tablespaceOid}/";

    public override IEnumerable<ContentEntry> Entries(CancellationToken ct) => Walk(root, "", ct);

    private IEnumerable<ContentEntry> Walk(string directory, string relative, CancellationToken ct)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (entry is DirectoryInfo)
            {
                yield return new ContentEntry(path, Prefix + path, ContentEntryKind.Directory, null, null, () => Stream.Null);
                if (!(tablespaceOid is null && relative == "pg_tblspc"))
                {
                    foreach (var inner in Walk(entry.FullName, path, ct))
                    {
                        yield return inner;
                    }
                }
            }
            else if (path.EndsWith(StoredFiles.MapExtension, StringComparison.Ordinal))
            {
                continue;
            }
            else
            {
                var name = path.EndsWith(StoredFiles.Extension, StringComparison.Ordinal) ? path[..^StoredFiles.Extension.Length]
                    : path.EndsWith(StoredFiles.PatchExtension, StringComparison.Ordinal) ? path[..^StoredFiles.PatchExtension.Length]
                    : path;
                var manifestPath = Prefix + name;
                var frame = path.EndsWith(StoredFiles.Extension, StringComparison.Ordinal) ? entry.FullName : null;
                yield return new ContentEntry(name, manifestPath, ContentEntryKind.File, null, null, () => StoredCopy.Open(backupDataDirectory, manifestPath), frame);
            }
        }
    }
}
