using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Files;

/// <summary>What a files backup needs from the <c>backup_label</c> pg_backup_stop returned: where its WAL starts,
/// on which timeline. Pure.</summary>
public static partial class BackupLabel
{
    /// <summary>START WAL LOCATION and START TIMELINE; throws <see cref="FormatException"/> when either is missing.</summary>
    public static (Lsn Start, uint Timeline) Parse(string text)
    {
        var start = StartRegex().Match(text);
        var timeline = TimelineRegex().Match(text);
        if (!start.Success || !timeline.Success)
        {
            throw new FormatException("the backup_label from pg_backup_stop has no START WAL LOCATION or START TIMELINE");
        }
        return (Lsn.Parse(start.Groups[1].Value), uint.Parse(timeline.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^START WAL LOCATION: ([0-9A-Fa-f]+/[0-9A-Fa-f]+)", RegexOptions.Multiline)]
    private static partial Regex StartRegex();

    [GeneratedRegex(@"^START TIMELINE: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex TimelineRegex();
}
