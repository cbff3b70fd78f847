namespace Pgward.Core.Events;

/// <summary>
/// One event, as repmgr writes to <c>repmgr.events</c> and passes to <c>event_notification_command</c>.
/// </summary>
/// <param name="NodeId">ID of the node the event happened on (<c>%n</c>).</param>
/// <param name="NodeName">Name of that node.</param>
/// <param name="Event">Event type, e.g. <c>standby_register</c> or <c>repmgrd_failover_promote</c>.</param>
/// <param name="Success">Whether the action succeeded (<c>%s</c>: 1 or 0).</param>
/// <param name="Timestamp">When it happened (<c>%t</c>).</param>
/// <param name="Details">Free text (<c>%d</c>), e.g. <c>standby registration succeeded; upstream node ID is 1</c>.</param>
/// <param name="RelatedNodeId">
/// repmgr's <c>%p</c>: the primary (<c>standby_register</c>), the followed node (<c>standby_follow</c>) or the former
/// primary (<c>standby_switchover</c>, <c>repmgrd_failover_promote</c>); null when the event has none.
/// </param>
/// <param name="RelatedConninfo">repmgr's <c>%c</c>: conninfo of the related node, as stored.</param>
/// <param name="RelatedNodeName">repmgr's <c>%a</c>: name of the related node.</param>
public sealed record EventNotification(
    int NodeId,
    string NodeName,
    string Event,
    bool Success,
    DateTimeOffset Timestamp,
    string Details,
    int? RelatedNodeId = null,
    string? RelatedConninfo = null,
    string? RelatedNodeName = null);
