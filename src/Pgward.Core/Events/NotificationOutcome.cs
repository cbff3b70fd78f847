namespace Pgward.Core.Events;

/// <summary>What became of one event notification. A failing command is an outcome, never an exception.</summary>
public abstract record NotificationOutcome;
