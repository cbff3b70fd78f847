using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>
/// Parses a timeline history file (<c>pg_wal/00000002.history</c>), which PostgreSQL writes as one line per
/// earlier timeline: <c>1\t0/3000060\tno recovery target specified</c>.
/// </summary>
public static class TimelineHistory
{
    /// <summary>The entries in file order; blank lines and <c>#</c> comments are skipped, as PostgreSQL does.</summary>
    /// <exception cref="FormatException">A line is not <c>timeline, LSN, reason</c>.</exception>
    public static IReadOnlyList<TimelineHistoryEntry> Parse(string content)
    {
        var entries = new List<TimelineHistoryEntry>();
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timeline)
                || !Lsn.TryParse(fields[1], out var switchPoint))
            {
                throw new FormatException($"invalid line in timeline history file: \"{line}\"");
            }
            entries.Add(new TimelineHistoryEntry(timeline, switchPoint, fields.Length > 2 ? fields[2].Trim() : ""));
        }
        return entries;
    }
}
