namespace Pgward.Failover.Messages;

/// <summary>A voter's answer; <see cref="FailoverMessage.Term"/> echoes the request's term.</summary>
/// <param name="Reason">Why the vote was refused; null when granted.</param>
/// <param name="VoterTerm">The voter's own term after the request: a candidate that knows an earlier one takes it, so
/// that its next round asks for a term nobody has voted in yet (0 from an agent that does not send it).</param>
public sealed record VoteReply(long Term, bool PreVote, int Round, bool Granted, string? Reason, long VoterTerm = 0)
    : FailoverMessage(Term);
