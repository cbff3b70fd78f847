namespace Pgward.Agent.Failover;

/// <summary>
/// When the failover loop must wake the commit lease after publishing <see cref="Pgward.Failover.FailoverNode.CommitsAllowedUntil"/>:
/// the lease sleeps until its end, so it must hear of a lease that opened (it starts streaming), of an end that moved
/// earlier (a release for a switchover, a lost leadership: it closes at once), and of one that lapsed by this host's
/// clock while it slept to a later instant (a step of the wall clock). An end that only moved later needs nothing: the
/// lease wakes at the old end, finds the new one and sleeps again.
/// </summary>
public static class CommitLeaseWake
{
    /// <param name="wasOpen">Whether the lease was open at the previous publication, by that one's clock.</param>
    public static bool Needed(bool wasOpen, DateTimeOffset before, DateTimeOffset after, DateTimeOffset now) =>
        after < before || wasOpen != (now < after);
}
