namespace Pgward.Cluster.Operations;

/// <summary>
/// When to wake a standby's startup process that sleeps out <c>wal_retrieve_retry_interval</c> after its promotion was
/// requested. PostgreSQL 15 (<c>WaitForWALToBecomeAvailable</c>): a promote request that finds the startup process
/// waiting on a WAL receiver it had just started (after a reload, such as the reset of <c>synchronous_standby_names</c>
/// right before the promotion, or after a retry) stops the receiver and then sleeps the rest of the retry interval before
/// it looks at the request again: 1 s in the sandbox, 5 s by default, all of it without a primary (the switchover's write
/// gap of 1.2-1.3 s in some runs, issue 17). Any signal that sets the startup process's latch ends that sleep, and it then
/// sees the request at once; a reload (SIGHUP) is the harmless one. Pure, so the timing is tested without a server.
/// </summary>
public static class PromotionWake
{
    /// <summary>The startup process's wait event while it sleeps out the retry interval (pg_stat_activity).</summary>
    public const string RetryWaitEvent = "RecoveryRetrieveRetryInterval";

    /// <summary>No wake this soon after the request: the request's own signal may not have reached the startup process
    /// yet, and a reload that came first would make it start its receiver again, the very state that costs the sleep.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);

    /// <summary>At most one wake this often: one that came too early is followed by another.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    /// <param name="startupWaitEvent">The startup process's wait event; null when it is not visible (no privilege) or gone.</param>
    /// <param name="sinceRequest">Time since the promotion was requested.</param>
    /// <param name="sinceLastWake">Time since the last wake; null when none was sent.</param>
    public static bool Due(string? startupWaitEvent, TimeSpan sinceRequest, TimeSpan? sinceLastWake) =>
        startupWaitEvent == RetryWaitEvent && sinceRequest >= Settle && (sinceLastWake is not { } last || last >= Every);
}
