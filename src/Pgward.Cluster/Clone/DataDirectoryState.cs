using Pgward.Core;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Clone;

/// <summary>The local data directory before a clone: it is only ever written when empty, or emptied with -F.</summary>
public sealed class DataDirectoryState
{
    private DataDirectoryState(string path, bool exists, bool isEmpty, int? runningPid)
    {
        Path = path;
        Exists = exists;
        IsEmpty = isEmpty;
        RunningPid = runningPid;
    }

    public string Path { get; }
    public bool Exists { get; }
    public bool IsEmpty { get; }

    /// <summary>The PID of a live postmaster that owns this directory, if any.</summary>
    public int? RunningPid { get; }

    public static DataDirectoryState Inspect(string path)
    {
        if (!Directory.Exists(path))
        {
            return new DataDirectoryState(path, exists: false, isEmpty: true, runningPid: null);
        }
        var empty = !Directory.EnumerateFileSystemEntries(path).Any();
        return new DataDirectoryState(path, exists: true, empty, PostmasterPid.RunningPid(path));
    }

    /// <summary>What the clone will do with the directory, for the list of checks (when <see cref="Refusal"/> is null).</summary>
    public string Describe(bool force) => (Exists, IsEmpty) switch
    {
        (false, _) => $"\"{Path}\" does not exist; it will be created",
        (true, true) => $"\"{Path}\" exists and is empty",
        _ => force ? $"\"{Path}\" is not empty; its contents will be deleted (-F/--force){Elsewhere()}" : $"\"{Path}\" is not empty",
    };

    /// <summary>What <see cref="Empty"/> deletes outside the directory, for the message of a forced clone.</summary>
    private string Elsewhere()
    {
        var (wal, tablespaces) = LinkedParts();
        var parts = new List<string>();
        if (wal is not null)
        {
            parts.Add($"the WAL in \"{wal.FullName}\"");
        }
        if (tablespaces.Count > 0)
        {
            parts.Add($"this server's files in its {tablespaces.Count} tablespace{(tablespaces.Count == 1 ? "" : "s")}");
        }
        return parts.Count == 0 ? "" : ", and " + string.Join(" and ", parts);
    }

    /// <summary>Why the clone may not write here, or null.</summary>
    public Outcome? Refusal(bool force)
    {
        if (RunningPid is { } pid)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"a PostgreSQL server (PID {pid}) is running in data directory \"{Path}\"",
                hint: "stop that server first; pgward never clones over a running server, not even with -F/--force");
        }
        if (!IsEmpty && !force)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"data directory \"{Path}\" exists and is not empty",
                detail: "nothing was changed",
                hint: "use -F/--force to delete its contents and clone into it, or set \"data_directory\" to an empty directory");
        }
        return null;
    }

    /// <summary>Empties the directory (when forced) and makes it exist, private to the server's OS user.</summary>
    public async Task PrepareAsync(ServerAccount account, CancellationToken ct)
    {
        if (Exists)
        {
            Empty();
        }
        Directory.CreateDirectory(Path);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (await account.ChownAsync(Path, ct) is { Succeeded: false } chown)
        {
            throw new IOException($"cannot give \"{Path}\" to the server's OS user: {chown.Describe()}");
        }
    }

    /// <summary>
    /// Deletes everything inside the directory, keeping the directory itself, and what belongs to it elsewhere: the
    /// contents of the directory its <c>pg_wal</c> links to (<c>--waldir</c>), and this server's
    /// <c>PG_VERSION_CATALOG</c> directory in each tablespace its <c>pg_tblspc</c> links to. pg_basebackup writes those
    /// again and refuses them when they are not empty.
    /// </summary>
    public void Empty()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }
        var (wal, tablespaces) = LinkedParts();
        if (wal is not null)
        {
            DeleteContents(wal);
        }
        var versionFile = System.IO.Path.Combine(Path, "PG_VERSION");
        if (File.Exists(versionFile))
        {
            var prefix = $"PG_{File.ReadAllText(versionFile).Trim()}_";
            foreach (var own in tablespaces.SelectMany(location => location.GetDirectories(prefix + "*")))
            {
                own.Delete(recursive: true);
            }
        }
        DeleteContents(new DirectoryInfo(Path));
    }

    /// <summary>The directory <c>pg_wal</c> links to (<c>--waldir</c>), and those the links in <c>pg_tblspc</c> point to.</summary>
    private (DirectoryInfo? Wal, IReadOnlyList<DirectoryInfo> Tablespaces) LinkedParts()
    {
        var links = new DirectoryInfo(System.IO.Path.Combine(Path, "pg_tblspc"));
        IReadOnlyList<DirectoryInfo> tablespaces = links.Exists
            ? [.. links.EnumerateFileSystemInfos().Select(link => LinkedDirectory(link.FullName)).OfType<DirectoryInfo>()]
            : [];
        return (LinkedDirectory(System.IO.Path.Combine(Path, "pg_wal")), tablespaces);
    }

    /// <summary>The directory a symbolic link points to, when <paramref name="path"/> is one and it exists.</summary>
    private static DirectoryInfo? LinkedDirectory(string path) =>
        new DirectoryInfo(path) is { LinkTarget: not null } link && link.ResolveLinkTarget(returnFinalTarget: true) is DirectoryInfo { Exists: true } target
            ? target
            : null;

    /// <summary>Deletes what is inside <paramref name="directory"/>; links go, not what they point to.</summary>
    private static void DeleteContents(DirectoryInfo directory)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo dir && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                dir.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
