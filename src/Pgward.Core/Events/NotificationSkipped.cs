namespace Pgward.Core.Events;

/// <summary>No command ran.</summary>
public sealed record NotificationSkipped(NotificationSkipReason Reason) : NotificationOutcome;
