namespace Pgward.Failover;

/// <summary>What the agent last observed of its local PostgreSQL (a witness has none). When the server is down,
/// report what is on disk (role, timeline and LSN from <c>pg_controldata</c>) with <c>IsRunning = false</c>, or
/// <see cref="None"/> when nothing is known.</summary>
/// <param name="IsRunning">Whether the server answers at all.</param>
/// <param name="IsPrimary">Not in recovery.</param>
/// <param name="Timeline">The timeline of the last WAL record the server wrote or received (on a standby
/// <c>pg_stat_wal_receiver.received_tli</c>, not the upstream's timeline): a standby still catching up to a
/// fork point is on the old timeline, and judging it by the new one would let it win with less WAL.</param>
/// <param name="Lsn">On a primary its current WAL end; on a standby the last WAL location received.</param>
/// <param name="AckedLsn">On a primary, the highest commit acknowledged to clients: in sync mode what
/// <c>ANY k</c> standbys flushed, in async mode the WAL end.</param>
/// <param name="UpstreamId">On a standby, the node it streams from, if any.</param>
/// <param name="Streaming">On a standby, its WAL receiver streams from its upstream right now.</param>
/// <param name="Known">False for <see cref="Unknown"/>: a data node's server that is down and was never seen running.</param>
/// <param name="Fenceable">Something outside the agent stops this server when its lease lapses (the host's dead-man
/// switch runs): false when none has run for longer than a switch takes to start. Without it, an agent that stops or
/// freezes leaves a primary that goes on taking writes beside its successor, so such a node neither leads nor stands.</param>
/// <param name="Restoring">The server runs a recovery an operator asked for (<c>recovery.signal</c> without
/// <c>standby.signal</c>: <c>backup recover --node</c>, to a target): not a standby. It is not pointed at the primary
/// (that would replay past the target), and it does not stand: its data is a backup's, not the cluster's newest.</param>
/// <param name="ApplyDelayed">A standby that applies its WAL late on purpose (<c>recovery_min_apply_delay</c> above
/// zero): a copy an operator keeps to go back to before a mistake. Promoted, it would first replay the whole delay
/// (hours of WAL, perhaps), and it would carry the mistake forward anyway; so it does not stand for automatic election,
/// as a node of priority 0 does not (Patroni's advice for a delayed replica is its <c>nofailover</c> tag). An operator
/// may still promote it.</param>
/// <param name="Guarded">A primary that its agent keeps read-only (in recovery under pgward's guard, after a restart or a
/// fence): it writes no WAL until its agent lifts the guard, which only a primary that leads a term does.</param>
public sealed record LocalStatus(
    bool IsRunning,
    bool IsPrimary,
    int Timeline,
    ulong Lsn,
    ulong AckedLsn = 0,
    int? UpstreamId = null,
    bool Streaming = false,
    bool Known = true,
    bool Fenceable = true,
    bool Restoring = false,
    bool Guarded = false,
    bool ApplyDelayed = false)
{
    public static readonly LocalStatus None = new(IsRunning: false, IsPrimary: false, Timeline: 0, Lsn: 0);

    /// <summary>A data node whose server is down and has not been seen running since its agent started: it holds WAL,
    /// but how much is not known (<c>pg_controldata</c> tells the timeline, not the end of the WAL). It votes for
    /// nobody until it knows.</summary>
    public static readonly LocalStatus Unknown = None with { Known = false };
}
