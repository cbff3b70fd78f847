using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>
/// Which ticks look at the local server. A look is a query on the probe's kept connection and a few thread hand-offs:
/// about a third of an idle agent's CPU at one look a tick (BENCHMARKS.md, issue 17). So a node whose looks have seen
/// the same thing for <see cref="QuietAfter"/> looks in a row, while the agent calls it steady, looks at one tick in
/// <see cref="QuietEvery"/>; anything else looks at every tick. The first look that sees a change, or the first tick
/// that is not steady, brings the looks back to every tick. Thread-safe: the tick loop asks, the probe loop tells.
/// </summary>
public sealed class LookCadence
{
    /// <summary>Looks in a row that saw the same before the looks slow down: 10, a second at the default tick.</summary>
    public const int QuietAfter = 10;

    /// <summary>While quiet, one tick in this many looks: 5, every 500 ms at the default tick.</summary>
    public const int QuietEvery = 5;

    private readonly Lock gate = new();
    private int alike;
    private int sinceLook;

    /// <summary>Whether looks are slowed down now.</summary>
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

    /// <summary>Whether this tick looks. <paramref name="steady"/>: the agent's judgement that a look up to
    /// <see cref="QuietEvery"/> ticks old decides as a fresh one would; when false, the count of alike looks starts
    /// again.</summary>
    public bool ShouldLook(bool steady)
    {
        lock (gate)
        {
            if (!steady)
            {
                alike = 0;
            }
            if (alike < QuietAfter || ++sinceLook >= QuietEvery)
            {
                sinceLook = 0;
                return true;
            }
            return false;
        }
    }

    /// <summary>Whether the decisions take a node for a standby in its steady state: its server streams in recovery (not
    /// a primary held read-only by the guard), and its agent leads nothing, runs no election and heard the primary it
    /// knows within <paramref name="heardWithin"/>. (<see cref="FailoverStatus.Fenced"/> is a leader's flag, and true on
    /// every standby.)</summary>
    public static bool SteadyStandby(LocalObservation seen, FailoverStatus? status, DateTimeOffset now, TimeSpan heardWithin) =>
        seen is { Running: true, InRecovery: true, Guarded: false, Streaming: true }
        && status is { IsLeader: false, Election: ElectionPhase.None, PrimaryId: not null, HeardPrimary: true }
        && now - status.LastHeard < heardWithin;

    /// <summary>A look ended: <paramref name="same"/> when it saw what the look before it saw.</summary>
    public void Looked(bool same)
    {
        lock (gate)
        {
            alike = same ? alike + 1 : 0;
        }
    }
}
