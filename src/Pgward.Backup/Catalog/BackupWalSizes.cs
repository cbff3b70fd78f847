namespace Pgward.Backup.Catalog;

/// <summary>Barman's "WAL Size" of a backup: the archived WAL from its begin up to the next backup's begin (the last
/// backup: to the end of the archive), bytes on disk. Pure.</summary>
public static class BackupWalSizes
{
    public static IReadOnlyDictionary<string, long> Of(IReadOnlyList<BackupInfo> backups, IReadOnlyList<ArchivedSegment> segments)
    {
        var starts = backups.Where(b => b.BeginWal is not null).OrderBy(b => b.BeginWal!.Value.Number).ToList();
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < starts.Count; i++)
        {
            var from = starts[i].BeginWal!.Value.Number;
            var to = i + 1 < starts.Count ? starts[i + 1].BeginWal!.Value.Number : ulong.MaxValue;
            sizes[starts[i].Id] = segments.Where(s => s.Segment.Number >= from && s.Segment.Number < to).Sum(s => s.SizeOnDisk);
        }
        return sizes;
    }
}
