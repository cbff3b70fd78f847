namespace Pgward.Failover;

/// <summary>
/// Timings and policy of automatic failover. The safety argument needs
/// <c>FenceTimeout + TickInterval &lt; LeaseDuration × (1 − drift) / (1 + drift)</c>; with the defaults
/// (1.5 s + 0.1 s &lt; 2 s) clocks may run up to 10 % apart in rate. See docs/failover.md.
/// </summary>
public sealed record FailoverOptions
{
    /// <summary>How often the primary's agent sends a heartbeat to every voter. Default 500 ms: half of
    /// <c>monitor_interval_secs</c>, so that a stall of 1 s leaves voters at most 1.5 s without a heartbeat,
    /// short of <see cref="FailoverTimeout"/>.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The primary fences itself when a majority of voters (counting itself) has not acknowledged a
    /// heartbeat sent within this time. Default 1.5 s; must stay below <see cref="LeaseDuration"/>.</summary>
    public TimeSpan FenceTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>A voter that acknowledged a heartbeat (or granted a vote) votes for nobody until this long
    /// after. Default 2 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A standby considers the primary failed after hearing no heartbeat for this long:
    /// <c>reconnect_attempts × reconnect_interval</c>, default 2 × 1 s.</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a candidate waits for the replies of one election round. Default 500 ms.</summary>
    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A candidate with a majority of pre-votes still waits this long (from the round's start) for the
    /// other replies, so that it defers to a better candidate instead of splitting the vote. Default 100 ms:
    /// many round trips on a LAN.</summary>
    public TimeSpan PreVoteWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>After a lost round a candidate waits a random time up to this before the next. Default 500 ms.</summary>
    public TimeSpan ElectionBackoffMax { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The host must call <see cref="FailoverNode.Tick"/> at least this often. Default 100 ms.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><c>replication_mode</c>. Default async.</summary>
    public ReplicationMode ReplicationMode { get; init; } = ReplicationMode.Async;

    /// <summary><c>maximum_lag_on_failover</c> in bytes: voters refuse a candidate further than this behind the
    /// primary's last heartbeat LSN. Null for no limit. Default 1 MiB (Patroni's default).</summary>
    public ulong? MaximumLagOnFailover { get; init; } = 1024 * 1024;

    /// <summary><c>auto_rejoin</c>: an old primary that sees a newer primary rejoins it as a standby. Default true.</summary>
    public bool AutoRejoin { get; init; } = true;

    /// <summary>Commits are held back by the host's commit lease (<c>commit_lease</c>, async mode), which closes at
    /// <see cref="FailoverNode.CommitsAllowedUntil"/> by itself. Default false.</summary>
    public bool CommitLease { get; init; }

    /// <summary>Deliberate breaks of safety for the fault-injection suite; <see cref="SafetyFaults.None"/> otherwise.</summary>
    public SafetyFaults UnsafeFaults { get; init; }

    /// <summary>Throws when the timings cannot give the split-brain guarantee.</summary>
    public void Validate()
    {
        if (FenceTimeout + TickInterval >= LeaseDuration)
        {
            throw new ArgumentException($"fence timeout ({FenceTimeout}) plus tick ({TickInterval}) must be shorter than the lease ({LeaseDuration})");
        }

        if (FenceTimeout <= HeartbeatInterval)
        {
            throw new ArgumentException($"fence timeout ({FenceTimeout}) must be longer than the heartbeat interval ({HeartbeatInterval})");
        }

        if (FailoverTimeout < FenceTimeout)
        {
            throw new ArgumentException($"failover timeout ({FailoverTimeout}) must not be shorter than the fence timeout ({FenceTimeout})");
        }
    }
}
