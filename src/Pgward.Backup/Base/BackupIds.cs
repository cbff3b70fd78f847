using System.Globalization;

namespace Pgward.Backup.Base;

/// <summary>Backup ids: the UTC start time as <c>YYYYMMDDTHHMMSS</c> (Barman's format; UTC so that a clock change
/// cannot produce an id that sorts before an older one).</summary>
public static class BackupIds
{
    private const string Format = "yyyyMMdd'T'HHmmss";

    /// <summary>The id for a backup starting at <paramref name="start"/>; when taken (two backups in one second),
    /// the next free second.</summary>
    public static string Next(DateTimeOffset start, Func<string, bool> taken)
    {
        var at = start.ToUniversalTime();
        for (var i = 0; i < 3600; i++)
        {
            var id = at.AddSeconds(i).ToString(Format, CultureInfo.InvariantCulture);
            if (!taken(id))
            {
                return id;
            }
        }
        throw new InvalidOperationException("no free backup id within an hour of the start time");
    }

    public static bool IsId(string text) =>
        DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
