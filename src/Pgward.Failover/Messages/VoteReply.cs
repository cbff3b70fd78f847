namespace Pgward.Failover.Messages;

/// <summary>A voter's answer; <see cref="FailoverMessage.Term"/> echoes the request's term.</summary>
/// <param name="Reason">Why the vote was refused; null when granted.</param>
public sealed record VoteReply(long Term, bool PreVote, int Round, bool Granted, string? Reason) : FailoverMessage(Term);
