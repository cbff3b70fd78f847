using Pgward.Backup.Wal;
using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;

namespace Pgward.UnitTests.Backup;

/// <summary>An in-memory WAL archive: the set of segment names it holds.</summary>
internal sealed class FakeWalArchive : IWalArchive
{
    public HashSet<string> Segments { get; } = new(StringComparer.Ordinal);

    /// <summary>The archived history files' entries, by timeline.</summary>
    public Dictionary<uint, IReadOnlyList<TimelineHistoryEntry>> HistoryEntries { get; } = [];

    public IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> Histories() => HistoryEntries;

    public bool Contains(string walFileName) => Segments.Contains(walFileName);

    public Task<WalRestoreResult> RestoreAsync(string walFileName, string destinationPath, CancellationToken ct) =>
        Task.FromResult(Segments.Contains(walFileName) ? WalRestoreResult.Restored : WalRestoreResult.Missing);

    public Task<IReadOnlyList<string>> MissingSegmentsAsync(int timeline, Lsn begin, Lsn end, bool readContents, CancellationToken ct)
    {
        var missing = new List<string>();
        for (var n = begin.Value / (ulong)WalSegment.DefaultSize; n <= end.Value / (ulong)WalSegment.DefaultSize; n++)
        {
            var name = new WalSegment((uint)timeline, n).Name(WalSegment.DefaultSize);
            if (!Segments.Contains(name))
            {
                missing.Add(name);
            }
        }
        return Task.FromResult<IReadOnlyList<string>>(missing);
    }

    public int DeleteSegmentsBefore(string oldestNeeded)
    {
        WalSegment.TryParse(oldestNeeded, WalSegment.DefaultSize, out var limit);
        return Segments.RemoveWhere(s => WalSegment.TryParse(s, WalSegment.DefaultSize, out var seg) && seg.Number < limit.Number);
    }

    public long SizeOnDisk() => Segments.Count;
}
