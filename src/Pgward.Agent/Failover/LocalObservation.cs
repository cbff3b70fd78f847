using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>What one failover probe saw of the local server.</summary>
/// <param name="Guarded">In recovery only because of the <see cref="PrimaryGuard"/>: a primary that restarted.</param>
/// <param name="Lsn">A primary's WAL end; a standby's furthest received or replayed position.</param>
/// <param name="PrimaryConninfo">The standby's <c>primary_conninfo</c>, "" when none.</param>
/// <param name="Flushed">On a primary, each connected standby's <c>application_name</c> and flush position.</param>
/// <param name="ApplyDelayed">In recovery with <c>recovery_min_apply_delay</c> above zero (a delayed standby).</param>
public sealed record LocalObservation(
    bool Running,
    bool InRecovery,
    bool Guarded,
    int Timeline,
    Lsn Lsn,
    string PrimaryConninfo,
    bool Streaming,
    string SynchronousStandbyNames,
    IReadOnlyList<(string Name, Lsn Flushed)> Flushed,
    string? Error = null,
    bool ApplyDelayed = false)
{
    public static LocalObservation Down(string? error) =>
        new(false, false, false, 0, Lsn.Invalid, "", false, "", [], error);

    /// <summary>When the probe read it; <see cref="DateTimeOffset.MinValue"/> until the failover loop stamps it.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.MinValue;

    /// <summary>The postmaster's PID from <c>postmaster.pid</c>, read just after the query: what the dead-man switch is
    /// armed for when the server is seen writable.</summary>
    public int? PostmasterPid { get; init; }

    /// <summary>Writable: running and not in recovery.</summary>
    public bool Writable => Running && !InRecovery;

    /// <summary>Whether <paramref name="other"/> saw the same as this one, whenever it was read (<see cref="At"/> aside):
    /// for the <see cref="TickCadence"/>.</summary>
    public bool SameAs(LocalObservation other) =>
        (Running, InRecovery, Guarded, Timeline, Lsn, PrimaryConninfo, Streaming, SynchronousStandbyNames, Error, PostmasterPid, ApplyDelayed)
            == (other.Running, other.InRecovery, other.Guarded, other.Timeline, other.Lsn, other.PrimaryConninfo, other.Streaming,
                other.SynchronousStandbyNames, other.Error, other.PostmasterPid, other.ApplyDelayed)
        && Flushed.SequenceEqual(other.Flushed);
}
