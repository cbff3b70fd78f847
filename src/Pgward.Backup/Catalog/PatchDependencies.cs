namespace Pgward.Backup.Catalog;

/// <summary>
/// Which backups others cannot be restored without: a files backup whose block patches lie over older backups' copies
/// (<see cref="BackupInfo.PatchBases"/>, and their bases in turn) needs them all. A files backup still being taken may
/// patch over its parent, so it needs its parent too. Pure.
/// </summary>
public static class PatchDependencies
{
    /// <summary>The backups <paramref name="backup"/> lies over directly.</summary>
    public static IEnumerable<string> DirectBases(BackupInfo backup) => backup.Status switch
    {
        BackupStatus.Failed => [],
        BackupStatus.Started when backup.Method == BackupMethod.Files && backup.Parent is { } parent => [parent, .. backup.PatchBases],
        _ => backup.PatchBases,
    };

    /// <summary>Every backup the given ones need, directly or through a chain (not the given ones themselves unless one
    /// needs another).</summary>
    public static HashSet<string> Needed(IReadOnlyList<BackupInfo> all, IEnumerable<BackupInfo> these)
    {
        var byId = all.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(these.SelectMany(DirectBases));
        while (pending.TryPop(out var id))
        {
            if (needed.Add(id) && byId.TryGetValue(id, out var next))
            {
                foreach (var further in DirectBases(next))
                {
                    pending.Push(further);
                }
            }
        }
        return needed;
    }

    /// <summary>The backups that need <paramref name="backupId"/> (directly or through a chain), oldest first.</summary>
    public static IReadOnlyList<BackupInfo> Dependents(IReadOnlyList<BackupInfo> all, string backupId) =>
        [.. all.Where(b => b.Id != backupId && Needed(all, [b]).Contains(backupId))];
}
