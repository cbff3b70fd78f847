namespace Pgward.Cluster.Backups;

/// <summary>
/// What a restore into a directory that may already hold files does: which files it compares with the backup's copy
/// (only with delta: of the same size, with a checksum to compare with; or, 1 MiB and more, of another size, which a
/// block map compares page by page over the length both have), which it fetches, which local entries it removes
/// (everything the backup has not: postmaster.pid, the old pg_wal contents, signal files; the restore writes its own
/// settings after). Pure.
/// </summary>
/// <param name="ToCompare">Files kept (or kept in part) where they match the backup's copy; fetched otherwise.</param>
/// <param name="ToFetch">Paths asked from the backup server (files, and directories and links that are missing or differ).</param>
/// <param name="ToRemove">Local paths the backup does not have (or has as another kind), parents before their contents.</param>
public sealed record RestorePlan(IReadOnlyList<RestoreCompare> ToCompare, IReadOnlyList<string> ToFetch, IReadOnlyList<string> ToRemove)
{
    /// <summary>The control file: removed first and written last, so that a restore cut in half leaves a directory that
    /// PostgreSQL refuses to start rather than a mix of two states.</summary>
    public const string ControlFile = "global/pg_control";

    /// <summary>The algorithms pgward's backups use (CRC32C: pg_basebackup's tar backups; SHA256: files backups) are
    /// compared; a file with another is fetched.</summary>
    public static readonly IReadOnlyList<string> ComparedAlgorithms = ["CRC32C", "SHA256"];

    public static RestorePlan Decide(RestoreManifest manifest, IReadOnlyCollection<LocalEntry> local, bool delta)
    {
        var here = local.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var wanted = manifest.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var compare = new List<RestoreCompare>();
        var fetch = new List<string>();
        foreach (var entry in manifest.Entries)
        {
            here.TryGetValue(entry.Path, out var existing);
            var same = existing is not null && existing.Kind == entry.Kind;
            switch (entry.Kind)
            {
                case RestoreEntry.File when same && delta && Comparable(entry, existing!.Size):
                    compare.Add(new RestoreCompare(entry, existing.Size));
                    break;
                case RestoreEntry.Symlink when same && existing!.LinkTarget == entry.LinkTarget:
                case RestoreEntry.Directory when same:
                    break;
                default:
                    fetch.Add(entry.Path);
                    break;
            }
        }
        // A local entry of another kind than the backup's goes too, before the backup's is written; removing a
        // directory removes its contents, so they are not listed again.
        var remove = new List<string>();
        foreach (var entry in local.OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            if (wanted.TryGetValue(entry.Path, out var backup) && backup.Kind == entry.Kind)
            {
                continue;
            }
            if (!remove.Any(r => entry.Path.StartsWith(r + "/", StringComparison.Ordinal)))
            {
                remove.Add(entry.Path);
            }
        }
        return new RestorePlan(compare, fetch, remove);
    }

    /// <summary>Whether a local file of <paramref name="localSize"/> bytes is worth comparing with the backup's copy: of
    /// the same size, by its checksum (or its block map); of another, only where a block map may be (1 MiB and more),
    /// since a whole checksum of another length cannot match.</summary>
    private static bool Comparable(RestoreEntry entry, long localSize) =>
        entry.Algorithm is { } algorithm && ComparedAlgorithms.Contains(algorithm) && entry.Checksum is not null
        && (localSize == entry.Size || entry.Size >= PageDelta.MapThreshold);

    /// <summary>The paths to fetch once the comparisons are done, the control file among them whenever anything changes
    /// (<paramref name="resizing"/>: a kept file is cut or extended to the backup's length).</summary>
    public IReadOnlyList<string> Fetching(IEnumerable<string> mismatched, bool resizing = false)
    {
        var all = ToFetch.Concat(mismatched).ToList();
        if ((all.Count > 0 || ToRemove.Count > 0 || resizing) && !all.Contains(ControlFile))
        {
            all.Add(ControlFile);
        }
        return all;
    }
}
