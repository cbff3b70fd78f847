using Pgward.Core.Postgres;

namespace Pgward.Agent.Health;

/// <summary>The local server as one probe saw it: what the health decision needs, and the details <c>/node</c> shows.</summary>
/// <param name="Running">The agent could connect and query the server.</param>
/// <param name="Streaming">A standby's WAL receiver is in state <c>streaming</c>.</param>
/// <param name="LagBytes">A standby's replay position behind its upstream's current one (see <see cref="LagSource"/>); null when unknown.</param>
/// <param name="Fenced">The primary has fenced itself (issue 4's daemon sets it); a fenced primary is not writable.</param>
public sealed record ServerState(bool Running, bool InRecovery, bool Streaming, long? LagBytes, bool Fenced)
{
    public static readonly ServerState Stopped = new(Running: false, InRecovery: false, Streaming: false, LagBytes: null, Fenced: false);

    /// <summary>The server is a witness's: it runs read-write but holds no application data, so it fits no role check.</summary>
    public bool Witness { get; init; }
    public string? Error { get; init; }
    public int? Timeline { get; init; }
    /// <summary>A primary's <c>pg_current_wal_lsn()</c>.</summary>
    public Lsn? CurrentLsn { get; init; }
    public Lsn? ReceiveLsn { get; init; }
    public Lsn? ReplayLsn { get; init; }
    /// <summary><c>pg_stat_wal_receiver.status</c>; null when no WAL receiver runs.</summary>
    public string? WalReceiverStatus { get; init; }
    public LagSource? LagSource { get; init; }
    /// <summary>A standby's seconds since the last transaction it replayed was committed on the primary
    /// (<c>now() - pg_last_xact_replay_timestamp()</c>); null on a primary or before any replay.</summary>
    public double? ReplayAgeSeconds { get; init; }
    /// <summary>A standby with <c>recovery_min_apply_delay</c> above zero: its data is that old on purpose.</summary>
    public bool Delayed { get; init; }

    /// <summary>A word for logs: stopped, witness, primary, standby (streaming), standby (not streaming).</summary>
    public string Describe() => (Running, InRecovery, Streaming) switch
    {
        (false, _, _) => "stopped",
        _ when Witness => "witness",
        (true, false, _) => Fenced ? "primary (fenced)" : "primary",
        (true, true, true) => "standby (streaming)",
        (true, true, false) => "standby (not streaming)",
    };
}
