namespace Pgward.Failover.Actions;

/// <summary>Stop the local primary from taking writes, now (a fence no client can undo).</summary>
public sealed record Fence(string Reason) : FailoverAction;
