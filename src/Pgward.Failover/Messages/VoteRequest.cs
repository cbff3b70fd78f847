namespace Pgward.Failover.Messages;

/// <summary>A request for a vote in <see cref="FailoverMessage.Term"/>. A pre-vote asks "would you vote for me?"
/// and changes nothing on the voter, so that a standby which merely lost its own link to the primary cannot
/// raise the term and depose a healthy primary.</summary>
/// <param name="Round">The candidate's round number, echoed so that late replies of old rounds are ignored.</param>
/// <param name="Manual">An operator asked for this promotion (<c>standby switchover</c>, <c>standby promote</c>):
/// voters grant it while the cluster is paused and do not hold it back for priority or node id, but still refuse a
/// candidate behind them, on an older timeline, or while they hold a primary's lease.</param>
public sealed record VoteRequest(long Term, bool PreVote, int Round, Candidacy Candidate, bool Manual = false) : FailoverMessage(Term);
