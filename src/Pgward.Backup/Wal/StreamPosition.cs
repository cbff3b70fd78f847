using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>Where WAL streaming starts or stands: a timeline and a position on it.</summary>
public sealed record StreamPosition(uint Timeline, Lsn Lsn)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Lsn} on timeline {Timeline}");

    /// <summary>The file form: <c>TLI LSN</c>, e.g. <c>2 0/5000000</c>.</summary>
    public string ToFileText() => string.Create(CultureInfo.InvariantCulture, $"{Timeline} {Lsn}\n");

    public static StreamPosition? ParseFileText(string text)
    {
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2 && uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timeline)
            && timeline > 0 && Lsn.TryParse(fields[1], out var lsn)
            ? new StreamPosition(timeline, lsn)
            : null;
    }
}
