using Pgward.Core.IO;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Clone;

/// <summary>
/// Writes what makes a data directory start as a standby of its upstream: <c>standby.signal</c>, and
/// <c>primary_conninfo</c> / <c>primary_slot_name</c> in <c>postgresql.auto.conf</c> (where ALTER SYSTEM writes,
/// so later <c>ALTER SYSTEM</c> calls keep them). Both are written 0600 (primary_conninfo can hold a password) and
/// owned like the data directory, even when pgward runs as root.
/// </summary>
public static class StandbyConfiguration
{
    public const string AutoConfFile = "postgresql.auto.conf";

    /// <summary>The file that starts a server as a standby.</summary>
    public const string SignalFile = "standby.signal";

    public static async Task WriteAsync(string dataDirectory, Conninfo primaryConninfo, string? slotName, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["primary_conninfo"] = primaryConninfo.ToString(),
            ["primary_slot_name"] = slotName,
        };
        await SetAsync(Path.Combine(dataDirectory, AutoConfFile), settings, ct);
        DurableFile.WriteAllText(Path.Combine(dataDirectory, SignalFile), "", DurableFile.OwnerOnly, ownerLike: dataDirectory);
    }

    /// <summary>Replaces the given settings in a PostgreSQL configuration file; a null value removes the setting.</summary>
    public static async Task SetAsync(string file, IReadOnlyDictionary<string, string?> settings, CancellationToken ct)
    {
        var lines = File.Exists(file) ? (await File.ReadAllLinesAsync(file, ct)).ToList() : [];
        lines.RemoveAll(line => settings.ContainsKey(SettingName(line)));
        lines.AddRange(settings.Where(s => s.Value is not null).Select(s => $"{s.Key} = {Quote(s.Value!)}"));
        DurableFile.WriteAllLines(file, lines, DurableFile.OwnerOnly, ownerLike: Path.GetDirectoryName(Path.GetFullPath(file)));
    }

    /// <summary>
    /// A value as ALTER SYSTEM writes it: in single quotes, with quotes and backslashes doubled (a backslash escapes
    /// inside a quoted value, so a password holding one would otherwise reach the server changed).
    /// </summary>
    public static string Quote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string SettingName(string line)
    {
        var trimmed = line.TrimStart();
        var end = trimmed.IndexOfAny([' ', '\t', '=']);
        return end < 0 ? trimmed : trimmed[..end];
    }
}
