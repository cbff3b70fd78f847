namespace Pgward.Agent.Fencing;

/// <summary>
/// How close the primary's lease came to lapsing when the agent renewed it: the time its old deadline still had left.
/// Renewed with less than <see cref="Low"/> left, it nearly lapsed, and a lapse stops PostgreSQL (the dead-man switch):
/// the agent ran late (an overloaded, swapping or paused host) or a majority's acknowledgements came late (a slow
/// network, a stalled voter). The first such renewal is said at once, later ones at most once a minute, with how many
/// there were and the smallest margin; every one is counted (<c>pgward_lease_late_renewals_total</c>). Pure: the caller
/// gives the monotonic clock.
/// </summary>
public sealed class LeaseMargins
{
    /// <summary>A renewal with less than this left is late: 500 ms, a third of the default fence timeout. An agent on
    /// time renews each heartbeat round (500 ms), with about a second left.</summary>
    public static readonly TimeSpan Low = TimeSpan.FromMilliseconds(500);

    /// <summary>Late renewals after the first are said at most this often: a minute.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    private TimeSpan? reportedAt;
    private int unreported;
    private TimeSpan smallest = TimeSpan.MaxValue;

    /// <summary>Renewals with less than <see cref="Low"/> left since the agent started.</summary>
    public long LateRenewals { get; private set; }

    /// <summary>A renewal at <paramref name="now"/> (the monotonic clock) with <paramref name="margin"/> of the old lease
    /// left (negative when it had lapsed). Returns what to say now: how many late renewals since the last report, and the
    /// smallest margin among them; null when this one was on time, or is counted for the next report.</summary>
    public (int Count, TimeSpan Smallest)? Renewed(TimeSpan margin, TimeSpan now)
    {
        if (margin >= Low)
        {
            return Due(now);
        }
        LateRenewals++;
        unreported++;
        smallest = margin < smallest ? margin : smallest;
        return Due(now);
    }

    private (int Count, TimeSpan Smallest)? Due(TimeSpan now)
    {
        if (unreported == 0 || reportedAt is { } at && now - at < ReportEvery)
        {
            return null;
        }
        var report = (unreported, smallest);
        reportedAt = now;
        unreported = 0;
        smallest = TimeSpan.MaxValue;
        return report;
    }
}
