namespace Pgward.Failover;

/// <summary>The primary's view of its lease: for each voter, the send time of the newest heartbeat (or vote
/// request) it acknowledged in the primary's term.</summary>
internal sealed class PrimaryLease
{
    private readonly Dictionary<int, DateTimeOffset> acknowledged = [];
    // Heartbeats sent at or before this were given up (Release): a late acknowledgement of one holds nothing.
    private DateTimeOffset releasedAt = DateTimeOffset.MinValue;

    public void Acknowledged(int voter, DateTimeOffset sentAt)
    {
        if (sentAt <= releasedAt)
        {
            return;
        }
        if (!acknowledged.TryGetValue(voter, out var known) || sentAt > known)
        {
            acknowledged[voter] = sentAt;
        }
    }

    /// <summary>Whether a majority acknowledged something sent less than <paramref name="fenceTimeout"/> ago.
    /// Each of those voters promised, when it acknowledged (no earlier than the send time), not to vote for a
    /// lease duration, longer than the fence timeout: while this holds, no candidate can win.</summary>
    public bool HoldsMajority(DateTimeOffset now, TimeSpan fenceTimeout, int majority) =>
        acknowledged.Values.Count(sentAt => now - sentAt < fenceTimeout) >= majority;

    /// <summary>When <see cref="HoldsMajority"/> stops holding if no further acknowledgement arrives: the
    /// majority-th newest send time plus <paramref name="fenceTimeout"/>; <see cref="DateTimeOffset.MinValue"/> while
    /// fewer than a majority ever acknowledged.</summary>
    public DateTimeOffset MajorityUntil(TimeSpan fenceTimeout, int majority)
    {
        if (acknowledged.Count < majority)
        {
            return DateTimeOffset.MinValue;
        }

        return acknowledged.Values.OrderDescending().ElementAt(majority - 1) + fenceTimeout;
    }

    public void Clear() => acknowledged.Clear();

    /// <summary>The primary gave its lease up at <paramref name="at"/> (a <c>LeaseRelease</c>): every voter that takes the
    /// release may vote at once, so an acknowledgement of a heartbeat sent before it, arriving late, must not count.</summary>
    public void Release(DateTimeOffset at)
    {
        acknowledged.Clear();
        releasedAt = at;
    }
}
