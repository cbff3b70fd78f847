using Pgward.Backup.Files;

namespace Pgward.Agent.Backups;

/// <summary>
/// Lists a data directory for a files backup: every regular file with its size and modification time, every
/// directory, and each tablespace through its <c>pg_tblspc</c> link, leaving out what pg_basebackup leaves out
/// (<see cref="BackupExclusions"/>). A file or directory removed while it is being listed (a dropped table or
/// database) is simply not listed.
/// </summary>
public sealed class DataDirectoryListing
{
    public List<ListedFile> Files { get; } = [];

    public List<string> Directories { get; } = [];

    public List<ListedTablespace> Tablespaces { get; } = [];

    public static DataDirectoryListing Of(string dataDirectory)
    {
        var listing = new DataDirectoryListing();
        listing.Walk(dataDirectory, "");
        listing.Directories.AddRange(BackupExclusions.ExtraDirectories.Where(d => !listing.Directories.Contains(d)));
        return listing;
    }

    private void Walk(string directory, string relative)
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos()];
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        var skipped = BackupExclusions.IsDatabaseDirectory(relative)
            ? BackupExclusions.RelationFilesExcluded(entries.Where(e => e is FileInfo).Select(e => e.Name))
            : new HashSet<string>();
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (BackupExclusions.Excludes(entry.Name) || skipped.Contains(entry.Name))
            {
                continue;
            }
            if (entry.LinkTarget is { } target)
            {
                FollowLink(directory, path, relative, target);
            }
            else if (entry is DirectoryInfo)
            {
                Directories.Add(path);
                if (!BackupExclusions.ExcludesContents(path))
                {
                    Walk(entry.FullName, path);
                }
            }
            else if (entry is FileInfo file && IsRegular(file))
            {
                Files.Add(new ListedFile(path, file.Length, new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds()));
            }
        }
    }

    /// <summary>A link in pg_tblspc is a tablespace: its contents are listed under <c>pg_tblspc/&lt;oid&gt;/</c>. pg_wal
    /// may be a link to another disk: it is listed as the empty directory it is in a backup. Other links are not
    /// PostgreSQL's and are left out, as pg_basebackup's tar format keeps them only as links.</summary>
    private void FollowLink(string directory, string path, string relative, string target)
    {
        if (relative == "pg_tblspc")
        {
            var location = Path.GetFullPath(target, directory);
            Tablespaces.Add(new ListedTablespace(Path.GetFileName(path), location));
            Directories.Add(path);
            Walk(location, path);
        }
        else if (path == "pg_wal")
        {
            Directories.Add(path);
        }
    }

    // Sockets, pipes and devices have no place in a data directory; a copy would block or fail on them.
    private static bool IsRegular(FileInfo file) =>
        (file.Attributes & (FileAttributes.Device | FileAttributes.Directory | FileAttributes.ReparsePoint)) == 0;
}
