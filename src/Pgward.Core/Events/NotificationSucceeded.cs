namespace Pgward.Core.Events;

/// <summary>The command exited with status 0.</summary>
public sealed record NotificationSucceeded : NotificationOutcome;
