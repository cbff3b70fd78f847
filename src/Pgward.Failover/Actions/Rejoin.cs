namespace Pgward.Failover.Actions;

/// <summary>The local server is an old primary, superseded in <paramref name="Term"/>: keep it fenced and rejoin it
/// as a standby of <paramref name="PrimaryId"/> (pg_rewind, or a re-clone).</summary>
public sealed record Rejoin(int PrimaryId, long Term) : FailoverAction;
