namespace Pgward.Failover.Messages;

/// <summary>
/// The primary of <see cref="FailoverMessage.Term"/> gives up its lease early because its server is stopped cleanly
/// (a switchover): voters that hold its lease may vote at once instead of waiting out the lease. A release sent
/// before a heartbeat the voter acknowledged later is ignored, so a delayed release cannot cut short the lease of a
/// primary that came back.
/// </summary>
/// <param name="ElectNow">The primary's agent is stopping and hands the role over (<c>daemon stop</c>): the standbys
/// stand at once instead of waiting out the failover timeout. Not in a switchover, whose candidate is chosen.</param>
public sealed record LeaseRelease(long Term, int PrimaryId, DateTimeOffset SentAt, bool ElectNow = false) : FailoverMessage(Term);
