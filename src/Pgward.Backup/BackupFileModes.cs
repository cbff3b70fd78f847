using Pgward.Core.IO;
using Pgward.Core.Postgres;

namespace Pgward.Backup;

/// <summary>
/// Everything under a backup server's directory is kept from other users: archived WAL and base backups carry every
/// row the cluster wrote, and nodes.cache the conninfo of every node. Files are created 0640 and directories 0750 with
/// the set-group-ID bit, so that everything below the directory pgward creates for the backups has that directory's
/// group. The group may read, and only the group: when pgward runs as root, PostgreSQL runs as
/// <see cref="ServerAccount.DefaultServerUser"/>, and a restored server's <c>restore_command</c> (<c>backup
/// wal-restore</c>) reads the archive as that user, so the group is that user's; otherwise it is pgward's own user's.
/// <see cref="Tighten"/> brings a tree written before (0644 files in 0755 directories) to the same.
/// </summary>
public static class BackupFileModes
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup;

    private const UnixFileMode Other = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> and its missing parents with <see cref="Directory"/>; the topmost one
    /// created gets the group (<see cref="Group"/>), which the set-group-ID bit passes on to everything below.</summary>
    public static void CreateDirectory(string path)
    {
        if (System.IO.Directory.Exists(path))
        {
            return;
        }
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path));
        // The topmost directory created is the one whose parent exists.
        var topmost = parent is not null && System.IO.Directory.Exists(parent);
        if (parent is not null)
        {
            CreateDirectory(parent);
        }
        System.IO.Directory.CreateDirectory(path);
        // mkdir(2) ignores the set-group-ID bit of its mode: set it, and the group, once the directory exists.
        if (topmost && Group() is { } group)
        {
            GiveToGroup(path, group);
        }
        System.IO.File.SetUnixFileMode(path, Directory);
    }

    /// <summary>Options for a new file of the backup directory: created 0640, never briefly readable by others.</summary>
    public static FileStreamOptions NewFile(FileMode mode = FileMode.Create, FileAccess access = FileAccess.Write, FileShare share = FileShare.None,
        FileOptions options = FileOptions.None) =>
        new() { Mode = mode, Access = access, Share = share, Options = options, UnixCreateMode = File };

    /// <summary>Writes a whole file created 0640 (not atomically: for files nobody reads while they are written).</summary>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var stream = new FileStream(path, NewFile());
        await stream.WriteAsync(content, ct);
    }

    /// <summary>
    /// Takes every permission of other users away from <paramref name="root"/> and everything under it, and the
    /// group's write permission; directories get the set-group-ID bit, and, when pgward runs as root, everything the
    /// group of <see cref="ServerAccount.DefaultServerUser"/>. Symbolic links are left alone. Returns how many entries
    /// had their mode changed: a backup directory written by an older pgward had 0644 WAL in 0755 directories.
    /// </summary>
    public static int Tighten(string root)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return 0;
        }
        var group = Group();
        var changed = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options).Prepend(new DirectoryInfo(root)))
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }
            var before = entry.UnixFileMode;
            var wanted = entry is DirectoryInfo
                ? (before & ~Other & ~UnixFileMode.GroupWrite) | UnixFileMode.SetGroup
                : before & ~Other & ~UnixFileMode.GroupWrite;
            if (group is { } gid)
            {
                GiveToGroup(entry.FullName, gid);
            }
            // Set even when unchanged: chown(2) may clear the set-group-ID bit.
            entry.UnixFileMode = wanted;
            if (wanted != before)
            {
                changed++;
            }
        }
        return changed;
    }

    /// <summary>The group to give the backup directory: the login group of <see cref="ServerAccount.DefaultServerUser"/>
    /// when pgward runs as root (null when there is none), else null (the process's own group).</summary>
    public static uint? Group(string passwdFile = "/etc/passwd") =>
        Environment.IsPrivilegedProcess && System.IO.File.Exists(passwdFile)
            ? ServerAccount.LoginGroup(System.IO.File.ReadLines(passwdFile), ServerAccount.DefaultServerUser)
            : null;

    // As before: a group that cannot be given leaves the mode alone, which keeps others out either way.
    private static void GiveToGroup(string path, uint gid)
    {
        try
        {
            FileOwner.SetGroup(path, gid);
        }
        catch (IOException)
        {
        }
    }
}
