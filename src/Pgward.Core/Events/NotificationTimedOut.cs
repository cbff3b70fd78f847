namespace Pgward.Core.Events;

/// <summary>The command outran its timeout; it and every process it started were killed.</summary>
public sealed record NotificationTimedOut(TimeSpan Timeout) : NotificationOutcome;
