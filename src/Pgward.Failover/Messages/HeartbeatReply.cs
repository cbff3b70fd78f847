namespace Pgward.Failover.Messages;

/// <summary>A voter's answer to a heartbeat. <see cref="FailoverMessage.Term"/> is the voter's current term:
/// when the heartbeat was rejected it is higher than the primary's.</summary>
public sealed record HeartbeatReply(long Term, bool Accepted, DateTimeOffset SentAt) : FailoverMessage(Term);
