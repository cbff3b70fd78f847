using System.Globalization;

namespace Pgward.Backup.Wal;

/// <summary>What a file name asked of the archive is: a segment, the unfinished last segment of a timeline
/// (<c>.partial</c>), or a timeline history file.</summary>
public enum WalFileKind
{
    Segment,
    Partial,
    History,
}

/// <summary>A parsed WAL file name: <c>000000010000000000000003</c>, <c>000000010000000000000003.partial</c>, <c>00000002.history</c>.</summary>
public readonly record struct WalFileName(WalFileKind Kind, WalSegment Segment, uint Timeline)
{
    private const string PartialSuffix = ".partial";
    private const string HistorySuffix = ".history";

    public static bool TryParse(string? name, long segmentSize, out WalFileName file)
    {
        file = default;
        if (name is null)
        {
            return false;
        }
        if (WalSegment.TryParse(name, segmentSize, out var segment))
        {
            file = new WalFileName(WalFileKind.Segment, segment, segment.Timeline);
            return true;
        }
        if (name.EndsWith(PartialSuffix, StringComparison.Ordinal) && WalSegment.TryParse(name[..^PartialSuffix.Length], segmentSize, out segment))
        {
            file = new WalFileName(WalFileKind.Partial, segment, segment.Timeline);
            return true;
        }
        if (name.Length == 8 + HistorySuffix.Length && name.EndsWith(HistorySuffix, StringComparison.Ordinal)
            && name[..8].All(c => c is >= '0' and <= '9' or >= 'A' and <= 'F')
            && uint.TryParse(name.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var timeline)
            && timeline > 0)
        {
            file = new WalFileName(WalFileKind.History, default, timeline);
            return true;
        }
        return false;
    }

    public static string HistoryName(uint timeline) => string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{HistorySuffix}");
}
