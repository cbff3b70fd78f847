namespace Pgward.Backup.Files;

/// <summary>
/// Splits the files to fetch into requests that <c>parallel_jobs</c> workers take one after the other: largest files
/// first, so that a 1 GiB segment does not start last and leave one worker busy alone at the end; at most
/// <see cref="MaxBytes"/> or <see cref="MaxFiles"/> per request, so that the small files spread too. Pure.
/// </summary>
public static class FileBatches
{
    public const long MaxBytes = 64L << 20;

    public const int MaxFiles = 256;

    public static IReadOnlyList<IReadOnlyList<FetchItem>> Split(IEnumerable<(FetchItem Item, long Size)> files)
    {
        var batches = new List<IReadOnlyList<FetchItem>>();
        var current = new List<FetchItem>();
        var bytes = 0L;
        foreach (var (item, size) in files.OrderByDescending(f => f.Size).ThenBy(f => f.Item.Path, StringComparer.Ordinal))
        {
            if (current.Count > 0 && (bytes + size > MaxBytes || current.Count == MaxFiles))
            {
                batches.Add(current);
                current = [];
                bytes = 0;
            }
            current.Add(item);
            bytes += size;
        }
        if (current.Count > 0)
        {
            batches.Add(current);
        }
        return batches;
    }
}
