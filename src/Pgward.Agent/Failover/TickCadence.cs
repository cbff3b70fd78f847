using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>
/// How long the failover loop waits between ticks; every tick looks at the local server (a query on the probe's kept
/// connection) and decides on that look. An idle agent's CPU is mostly wake-ups: a timer's, then a thread-pool worker's
/// (BENCHMARKS.md, issue 17). So a standby that the agent calls steady, whose looks have seen the same thing for
/// <see cref="QuietAfter"/> ticks in a row, ticks once every <see cref="QuietEvery"/> intervals instead
/// (<see cref="StandbyMayQuieten"/>). Everything else ticks at every interval. Three things bring that back: a look that
/// sees a change, a tick that is not steady, and a disturbance (<see cref="Disturb"/>: an input that changed what the
/// decisions know, an operator's request, a <c>standby.signal</c> removed). Thread-safe: the tick loop asks, the probe
/// loop and the failover loop tell.
/// </summary>
public sealed class TickCadence
{
    /// <summary>Looks in a row that saw the same before the ticks slow down: 10, a second at the default tick.</summary>
    public const int QuietAfter = 10;

    /// <summary>While quiet, a tick every this many intervals: 5, every 500 ms at the default tick.</summary>
    public const int QuietEvery = 5;

    private readonly Lock gate = new();
    private int alike;

    /// <summary>Whether the ticks are slowed down now.</summary>
    public bool Quiet
    {
        get
        {
            lock (gate)
            {
                return alike >= QuietAfter;
            }
        }
    }

    /// <summary>The wait before the next tick: the interval, or <see cref="QuietEvery"/> intervals while quiet.
    /// <paramref name="steady"/>: the agent's judgement that nothing its decisions tick for can fall due within the
    /// longer wait unless an input or a look says so; when false, the count of alike looks starts again.</summary>
    public TimeSpan NextWait(bool steady, TimeSpan interval)
    {
        lock (gate)
        {
            if (!steady)
            {
                alike = 0;
            }
            return alike < QuietAfter ? interval : interval * QuietEvery;
        }
    }

    /// <summary>Whether a steady standby may tick only every <see cref="QuietEvery"/> intervals with these timings: it
    /// must notice that it is no longer steady (no heartbeat for <paramref name="heardWithin"/>), at its next slow tick,
    /// and be ticking at every interval again, before its decisions could act on the primary's silence (the failover
    /// timeout). With the defaults: 0.5 s + 0.5 s, well short of 2 s.</summary>
    public static bool StandbyMayQuieten(FailoverOptions options, TimeSpan heardWithin) =>
        heardWithin + options.TickInterval * QuietEvery + options.TickInterval < options.FailoverTimeout;

    /// <summary>Whether the decisions take a node for a standby in its steady state: its server streams in recovery (not
    /// a primary held read-only by the guard), and its agent leads nothing, runs no election and heard the primary it
    /// knows within <paramref name="heardWithin"/>. (<see cref="FailoverStatus.Fenced"/> is a leader's flag, and true on
    /// every standby.)</summary>
    public static bool SteadyStandby(LocalObservation seen, FailoverStatus? status, DateTimeOffset now, TimeSpan heardWithin) =>
        seen is { Running: true, InRecovery: true, Guarded: false, Streaming: true }
        && status is { IsLeader: false, Election: ElectionPhase.None, PrimaryId: not null, HeardPrimary: true }
        && now - status.LastHeard < heardWithin;

    /// <summary>A look ended: <paramref name="same"/> when it saw what the look before it saw. True when it ended quiet
    /// ticks: the tick loop's timer is to come back to every interval.</summary>
    public bool Looked(bool same)
    {
        lock (gate)
        {
            var wasQuiet = alike >= QuietAfter;
            alike = same ? alike + 1 : 0;
            return wasQuiet && alike == 0;
        }
    }

    /// <summary>Something the looks do not see changed: the ticks come back to every interval. True when they were
    /// quiet: the tick loop's timer is to come back to every interval.</summary>
    public bool Disturb()
    {
        lock (gate)
        {
            var wasQuiet = alike >= QuietAfter;
            alike = 0;
            return wasQuiet;
        }
    }
}
