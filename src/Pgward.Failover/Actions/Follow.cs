namespace Pgward.Failover.Actions;

/// <summary>Point the local standby at the primary of <paramref name="Term"/> (event <c>repmgrd_failover_follow</c>).</summary>
/// <param name="Reason">Why it leaves its upstream, for the event: "its upstream node 2 has not streamed to it for 2 s".</param>
public sealed record Follow(int PrimaryId, long Term, string Reason) : FailoverAction;
