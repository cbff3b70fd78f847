using System.Globalization;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Show;

/// <summary>Turns <c>pgward.backup_servers</c> into <c>cluster show</c>'s rows. Pure.</summary>
public static class BackupServerRows
{
    /// <summary>A backup server's daemon refreshes its row every minute: three missed refreshes mean it is not running
    /// (or cannot reach the primary).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(3);

    public static IReadOnlyList<BackupServerRow> From(IReadOnlyList<BackupServerRecord> servers, DateTimeOffset now) =>
        [.. servers.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new BackupServerRow(
            s.Name, s.Host, s.BackupDirectory, s.SlotName, Status(s, now), s.LastBackupId ?? "none",
            s.LastSeen, s.LastBackupId, s.LastBackupTime))];

    private static string Status(BackupServerRecord server, DateTimeOffset now)
    {
        var age = now - server.LastSeen;
        return age <= StaleAfter ? "* running" : $"? not seen for {Age(age)}";
    }

    private static string Age(TimeSpan age) => age switch
    {
        { TotalHours: >= 48 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} days"),
        { TotalMinutes: >= 120 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} hours"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min"),
    };
}
