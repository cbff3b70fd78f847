namespace Pgward.Core.Events;

public enum NotificationSkipReason
{
    /// <summary><c>event_notification_command</c> is empty.</summary>
    NoCommand,

    /// <summary>The event is not in the <c>event_notifications</c> list.</summary>
    Filtered,
}
