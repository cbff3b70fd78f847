using System.Globalization;
using Microsoft.Extensions.Logging;
using Pgward.Core.Reporting;

namespace Pgward.Core.Logging;

/// <summary>
/// One line of a daemon's log, pure: <c>2026-05-04T10:00:00.123Z WARNING failover[2041]: ...</c> (UTC timestamp, level,
/// subsystem and event id) or, for systemd's journal, <c>&lt;4&gt;failover[2041]: ...</c> (the journal adds the
/// timestamp; the prefix is the syslog priority it files the line under). Always one line: a message or exception with
/// line breaks is joined, so that every line of the log carries its timestamp and level.
/// </summary>
public static class DaemonLogLine
{
    /// <summary>The line for <paramref name="text"/> written at <paramref name="time"/>.</summary>
    /// <param name="level">The level's word and syslog priority (<see cref="Of(LogLevel)"/>).</param>
    /// <param name="subsystem">Who wrote it: <see cref="LogSubsystems"/>, or a category (see <see cref="Subsystem"/>).</param>
    /// <param name="eventId">The event id, 0 for none.</param>
    public static string Format(DateTimeOffset time, LogLevelMark level, string subsystem, int eventId, string text, DaemonLogFormat format)
    {
        var who = eventId == 0 ? subsystem : string.Create(CultureInfo.InvariantCulture, $"{subsystem}[{eventId}]");
        var oneLine = text.ReplaceLineEndings(" | ");
        return format == DaemonLogFormat.Journald
            ? string.Create(CultureInfo.InvariantCulture, $"<{level.Priority}>{who}: {oneLine}")
            : string.Create(CultureInfo.InvariantCulture, $"{time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {level.Word} {who}: {oneLine}");
    }

    /// <summary>The subsystem of a logger category: pgward's own categories are already one (<see cref="LogSubsystems"/>);
    /// ASP.NET Core's and Kestrel's are <c>http</c>, the generic host's <c>host</c>.</summary>
    public static string Subsystem(string category) =>
        category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) ? LogSubsystems.Http
        : category.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal) || category.StartsWith("Microsoft.Hosting", StringComparison.Ordinal)
            ? LogSubsystems.Host
        : category;

    /// <summary>The word and syslog priority of a report's level (repmgr's words; NOTICE is syslog's notice, 5). Detail and
    /// hint lines take the priority of the line they elaborate: null here.</summary>
    public static LogLevelMark? Of(ReportLevel level) => level switch
    {
        ReportLevel.Debug => new("DEBUG", 7),
        ReportLevel.Info => new("INFO", 6),
        ReportLevel.Notice => new("NOTICE", 5),
        ReportLevel.Warning => new("WARNING", 4),
        ReportLevel.Error => new("ERROR", 3),
        _ => null,
    };

    /// <summary>The word and syslog priority of a <see cref="LogLevel"/>, as Microsoft.Extensions.Logging's systemd
    /// console formatter maps them: Debug and Trace 7, Information 6, Warning 4, Error 3, Critical 2.</summary>
    public static LogLevelMark Of(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => new("DEBUG", 7),
        LogLevel.Information => new("INFO", 6),
        LogLevel.Warning => new("WARNING", 4),
        LogLevel.Error => new("ERROR", 3),
        _ => new("CRITICAL", 2),
    };
}
