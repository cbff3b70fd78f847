namespace Pgward.Failover.Actions;

/// <summary>This node won the election for <paramref name="Term"/>: promote the local standby
/// (event <c>repmgrd_failover_promote</c>).</summary>
public sealed record Promote(long Term) : FailoverAction;
