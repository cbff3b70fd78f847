namespace Pgward.Backup.Catalog;

/// <summary>
/// The base backups under <c>base/</c>: reads and writes their <c>backup.info</c>, finds one by id, name,
/// <c>latest</c> or <c>oldest</c>, and deletes one. Ordered by time (<see cref="BackupInfo.OrderTime"/>), never by name.
/// </summary>
public sealed class BackupCatalog(BackupLayout layout)
{
    public BackupLayout Layout => layout;

    /// <summary>Every backup with a readable backup.info, oldest first. Directories without one (a backup being
    /// deleted, or not yet started) are skipped; an unreadable one is reported in <paramref name="problems"/>.</summary>
    public IReadOnlyList<BackupInfo> List(List<string>? problems = null)
    {
        if (!Directory.Exists(layout.BaseDirectory))
        {
            return [];
        }
        var backups = new List<BackupInfo>();
        foreach (var directory in Directory.EnumerateDirectories(layout.BaseDirectory))
        {
            var file = Path.Combine(directory, BackupInfoFile.FileName);
            if (!File.Exists(file))
            {
                continue;
            }
            try
            {
                backups.Add(BackupInfoFile.Parse(File.ReadAllText(file)));
            }
            catch (FormatException ex)
            {
                problems?.Add($"{file}: {ex.Message}");
            }
        }
        return [.. backups.OrderBy(b => b.OrderTime).ThenBy(b => b.Id, StringComparer.Ordinal)];
    }

    /// <summary>The backup named by <paramref name="reference"/>: an id, a <c>--name</c>, <c>latest</c>/<c>last</c>
    /// (newest DONE) or <c>oldest</c>/<c>first</c> (oldest DONE). Null when there is none.</summary>
    public BackupInfo? Find(string reference)
    {
        var all = List();
        return reference switch
        {
            "latest" or "last" => all.LastOrDefault(b => b.Status == BackupStatus.Done),
            "oldest" or "first" => all.FirstOrDefault(b => b.Status == BackupStatus.Done),
            _ => all.FirstOrDefault(b => b.Matches(reference)),
        };
    }

    public string BackupDirectory(string backupId) => layout.Backup(backupId);

    /// <summary>Where pg_basebackup writes the archives and manifest: <c>base/&lt;id&gt;/data/</c> (Barman's layout
    /// v2), beside backup.info, because pg_basebackup wants a directory of its own.</summary>
    public string DataDirectory(string backupId) => Path.Combine(layout.Backup(backupId), "data");

    public void Save(BackupInfo info)
    {
        BackupFileModes.CreateDirectory(layout.Backup(info.Id));
        AtomicFile.WriteAllText(Path.Combine(layout.Backup(info.Id), BackupInfoFile.FileName), BackupInfoFile.Render(info));
    }

    /// <summary>Removes the backup: backup.info first, so a crash half way leaves a directory the catalog no longer
    /// lists rather than a listed backup with missing files. A files backup's incrementals keep every file they
    /// share with it (hard links); one whose block patches lie over it needs its directory, which the callers check
    /// first (<see cref="PatchDependencies"/>).</summary>
    public void Delete(string backupId)
    {
        var directory = layout.Backup(backupId);
        var info = Path.Combine(directory, BackupInfoFile.FileName);
        if (File.Exists(info))
        {
            File.Delete(info);
        }
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        // An incremental's files hard-linked to the deleted backup are now its own bytes: count them so.
        foreach (var child in List().Where(b => b.Parent == backupId && b.LinkedSize > 0))
        {
            Save(child with { Size = child.Size + child.LinkedSize, LinkedSize = 0 });
        }
    }
}
