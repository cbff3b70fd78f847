namespace Pgward.Cluster.Backups;

/// <summary>
/// What a data directory holds, named as a backup's manifest names it: symlinks are not followed, except
/// <c>pg_tblspc/&lt;oid&gt;</c> of a tablespace the backup has, whose location is listed as that directory's contents.
/// </summary>
public static class LocalListing
{
    public static IReadOnlyList<LocalEntry> Read(RestorePaths paths)
    {
        var entries = new List<LocalEntry>();
        Walk(new DirectoryInfo(paths.DataDirectory), "", paths, entries);
        return entries;
    }

    private static void Walk(DirectoryInfo directory, string prefix, RestorePaths paths, List<LocalEntry> entries)
    {
        if (!directory.Exists)
        {
            return;
        }
        foreach (var info in directory.EnumerateFileSystemInfos())
        {
            var path = prefix + info.Name;
            if (paths.TablespaceLink(path) is { } tablespace)
            {
                var location = new DirectoryInfo(tablespace.Location);
                if (location.Exists)
                {
                    entries.Add(new LocalEntry(path, RestoreEntry.Directory, 0));
                    Walk(location, path + "/", paths, entries);
                }
                else
                {
                    entries.Add(new LocalEntry(path, RestoreEntry.Symlink, 0, info.LinkTarget));
                }
            }
            else if (info.LinkTarget is { } target)
            {
                entries.Add(new LocalEntry(path, RestoreEntry.Symlink, 0, target));
            }
            else if (info is DirectoryInfo child)
            {
                entries.Add(new LocalEntry(path, RestoreEntry.Directory, 0));
                Walk(child, path + "/", paths, entries);
            }
            else
            {
                entries.Add(new LocalEntry(path, RestoreEntry.File, ((FileInfo)info).Length));
            }
        }
    }
}
