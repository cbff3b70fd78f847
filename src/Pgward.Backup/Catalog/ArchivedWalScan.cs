using System.Globalization;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Catalog;

/// <summary>
/// A read-only listing of the WAL archive's files (the layout <see cref="Wal.IWalArchive"/> documents:
/// <c>wals/&lt;first 16&gt;/&lt;segment&gt;.zst</c>, <c>wals/&lt;TLI&gt;.history</c>) and of the receiver's in-progress
/// <c>streaming/&lt;segment&gt;.partial</c>: what sizes, ages and continuity checks need beyond the contract.
/// </summary>
public sealed class ArchivedWalScan(BackupLayout layout)
{
    private const string SegmentSuffix = ".zst";

    /// <summary>Completed segments, ordered by position then timeline.</summary>
    public IReadOnlyList<ArchivedSegment> Segments()
    {
        if (!Directory.Exists(layout.WalDirectory))
        {
            return [];
        }
        var list = new List<ArchivedSegment>();
        foreach (var file in Directory.EnumerateFiles(layout.WalDirectory, "*" + SegmentSuffix, SearchOption.AllDirectories))
        {
            var info = new FileInfo(file);
            if (WalSegment.TryParse(info.Name[..^SegmentSuffix.Length], WalSegment.DefaultSize, out var segment))
            {
                list.Add(new ArchivedSegment(segment, info.Length, info.LastWriteTimeUtc));
            }
        }
        return [.. list.OrderBy(s => s.Segment.Number).ThenBy(s => s.Segment.Timeline)];
    }

    /// <summary>When WAL last arrived: the newest segment or in-progress .partial file's write time; null if none.</summary>
    public DateTimeOffset? LastArrival()
    {
        var times = Segments().Select(s => s.WrittenAt).ToList();
        if (Directory.Exists(layout.StreamingDirectory))
        {
            times.AddRange(Directory.EnumerateFiles(layout.StreamingDirectory, "*.partial")
                .Select(f => (DateTimeOffset)File.GetLastWriteTimeUtc(f)));
        }
        return times.Count == 0 ? null : times.Max();
    }

    /// <summary>Where <paramref name="timeline"/> branched off its parent, from its history file; null when there is
    /// none (timeline 1, or the file is missing).</summary>
    public Lsn? SwitchPoint(uint timeline)
    {
        var path = Path.Combine(layout.WalDirectory, string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}.history"));
        if (!File.Exists(path))
        {
            return null;
        }
        var last = File.ReadAllLines(path).LastOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        var fields = last?.Split('\t', StringSplitOptions.TrimEntries);
        return fields is { Length: >= 2 } && Lsn.TryParse(fields[1], out var lsn) ? lsn : null;
    }
}
