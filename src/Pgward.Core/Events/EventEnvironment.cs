using System.Globalization;

namespace Pgward.Core.Events;

/// <summary>Environment variables that carry an event's values to <c>event_notification_command</c>.</summary>
public static class EventEnvironment
{
    public const string NodeId = "PGWARD_EVENT_NODE_ID";
    public const string NodeName = "PGWARD_EVENT_NODE_NAME";
    public const string Type = "PGWARD_EVENT_TYPE";
    public const string Success = "PGWARD_EVENT_SUCCESS";
    public const string Timestamp = "PGWARD_EVENT_TIMESTAMP";
    public const string Details = "PGWARD_EVENT_DETAILS";
    public const string RelatedNodeId = "PGWARD_EVENT_RELATED_NODE_ID";
    public const string RelatedConninfo = "PGWARD_EVENT_RELATED_CONNINFO";
    public const string RelatedNodeName = "PGWARD_EVENT_RELATED_NODE_NAME";

    /// <summary>The variable a placeholder letter stands for, or null when the letter is no placeholder.</summary>
    public static string? ForPlaceholder(char letter) => letter switch
    {
        'n' => NodeId,
        'e' => Type,
        's' => Success,
        't' => Timestamp,
        'd' => Details,
        'p' => RelatedNodeId,
        'c' => RelatedConninfo,
        'a' => RelatedNodeName,
        _ => null,
    };

    /// <summary>Every variable, set whether or not the template uses it, so scripts may read them directly.</summary>
    public static IReadOnlyDictionary<string, string> For(EventNotification e) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NodeId] = e.NodeId.ToString(CultureInfo.InvariantCulture),
            [NodeName] = Clean(e.NodeName),
            [Type] = Clean(e.Event),
            [Success] = e.Success ? "1" : "0",
            [Timestamp] = FormatTimestamp(e.Timestamp),
            [Details] = Clean(e.Details),
            [RelatedNodeId] = e.RelatedNodeId?.ToString(CultureInfo.InvariantCulture) ?? "",
            [RelatedConninfo] = Clean(e.RelatedConninfo ?? ""),
            // repmgr's %a falls back to the event's own node when no other node is involved.
            [RelatedNodeName] = Clean(e.RelatedNodeName ?? (e.RelatedNodeId is null ? e.NodeName : "")),
        };

    /// <summary>
    /// PostgreSQL's <c>timestamptz</c> output in UTC, <c>2026-11-25 16:32:12.954549+00</c>: microseconds with trailing
    /// zeros dropped, and no fraction at all on a whole second.
    /// </summary>
    public static string FormatTimestamp(DateTimeOffset timestamp)
    {
        var utc = timestamp.ToUniversalTime();
        var micros = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var fraction = micros == 0 ? "" : "." + micros.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + fraction + "+00";
    }

    /// <summary>An environment variable cannot hold NUL; dropping it beats failing to notify.</summary>
    private static string Clean(string value) => value.Replace("\0", "", StringComparison.Ordinal);
}
