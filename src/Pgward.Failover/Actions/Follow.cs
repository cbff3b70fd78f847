namespace Pgward.Failover.Actions;

/// <summary>Point the local standby at the primary of <paramref name="Term"/> (event <c>repmgrd_failover_follow</c>).</summary>
public sealed record Follow(int PrimaryId, long Term) : FailoverAction;
