namespace Pgward.Failover.Messages;

/// <summary>The primary's lease renewal, sent to every voter each heartbeat interval.</summary>
/// <param name="SentAt">The primary's clock when sent; echoed in the reply so that the primary measures its
/// lease from the send time (a delayed reply only shortens it).</param>
public sealed record Heartbeat(
    long Term, int PrimaryId, int Timeline, ulong PrimaryLsn, ulong AckedLsn, DateTimeOffset SentAt)
    : FailoverMessage(Term);
