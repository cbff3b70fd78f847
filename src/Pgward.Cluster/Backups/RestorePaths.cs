namespace Pgward.Cluster.Backups;

/// <summary>
/// Where a backup's entry goes on this host: under the data directory, or, for <c>pg_tblspc/&lt;oid&gt;/...</c> of a
/// tablespace in the backup, under the location its tablespace_map names (PostgreSQL makes the pg_tblspc link from
/// that file when it starts). Pure.
/// </summary>
public sealed class RestorePaths(string dataDirectory, IReadOnlyList<RestoreTablespace> tablespaces)
{
    private const string TablespaceDirectory = "pg_tblspc/";

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public IReadOnlyList<RestoreTablespace> Tablespaces => tablespaces;

    /// <summary>The tablespace whose link <paramref name="path"/> is (<c>pg_tblspc/&lt;oid&gt;</c>), or null.</summary>
    public RestoreTablespace? TablespaceLink(string path) =>
        path.StartsWith(TablespaceDirectory, StringComparison.Ordinal) && path.IndexOf('/', TablespaceDirectory.Length) < 0
            ? tablespaces.FirstOrDefault(t => t.Oid == path[TablespaceDirectory.Length..])
            : null;

    /// <summary>The absolute path of an entry; throws <see cref="InvalidDataException"/> for a path that is not a plain
    /// relative one (a server must not write outside the directories).</summary>
    public string Locate(string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new InvalidDataException($"the backup names \"{path}\", which is not a path inside the data directory");
        }
        if (TablespaceLink(path) is { } link)
        {
            return link.Location;
        }
        foreach (var tablespace in tablespaces)
        {
            var prefix = TablespaceDirectory + tablespace.Oid + "/";
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Path.Combine(tablespace.Location, path[prefix.Length..]);
            }
        }
        return Path.Combine(DataDirectory, path);
    }
}
