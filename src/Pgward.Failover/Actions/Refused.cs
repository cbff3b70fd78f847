namespace Pgward.Failover.Actions;

/// <summary>An automatic action that would have been taken was refused; the reason says why and what to do.</summary>
public sealed record Refused(string Reason) : FailoverAction;
