using System.Threading.Channels;
using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>
/// The tick and the look at the local server, on one timer: every <see cref="FailoverOptions.TickInterval"/> the tick
/// loop asks the probe loop for a look, and the probe hands the tick to the failover loop once it has looked, so each
/// tick decides on a look taken just before it. A look that has not ended by the next tick (a frozen or slow server:
/// up to the probe's 1 s timeout) does not hold the ticks up: they go on, deciding on the last look, as before.
/// Why one timer: an idle agent's CPU is mostly wake-ups (a timer's, then a thread-pool worker's), and two timers of
/// the same period woke it twice as often (BENCHMARKS.md, issue 17).
/// <para>A steady standby looks less often (<see cref="LookCadence"/>): one that streams from the primary it heard within
/// <see cref="QuietHeardWithin"/>, in no election, not being promoted, whose server stays in recovery. Each tick
/// still checks that its <c>standby.signal</c> is there (one lookup): a server promoted behind the agent's back is seen
/// at the next tick, as before. What the looks of such a standby feed decides nothing that cannot wait
/// <see cref="LookCadence.QuietEvery"/> ticks: its vote reads the received position again before it goes
/// (<see cref="DetachThenSendAsync"/>), a promotion asks for a look of its own, and the first look that sees its
/// position move, its receiver stop or its upstream change brings the looks back to every tick. A primary, a candidate,
/// a voter that misses heartbeats and every node in an election look at every tick.</para>
/// </summary>
public sealed partial class FailoverDriver
{
    /// <summary>A standby looks less often only while it heard the primary within this: two heartbeats, at the default
    /// timings. A primary that went silent brings its standbys' looks back to every tick well before any election.</summary>
    private TimeSpan QuietHeardWithin => 2 * setup!.Options.HeartbeatInterval;

    private readonly LookCadence cadence = new();

    // Looks asked of the probe loop, at most one waiting: true for the tick loop's (then a tick), false for one out of turn
    // (a promotion request, PromoteOnRequestAsync). Synchronous continuations: the tick loop's wake-up starts the query
    // itself instead of handing it to another thread-pool worker.
    private readonly Channel<bool> looks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        AllowSynchronousContinuations = true,
    });

    // The probe loop runs (it takes looks), and a look is under way: the tick loop's only view of it.
    private volatile bool probing;
    private volatile bool looking;

    private async Task ProbeLoopAsync(FailoverProbe probe, CancellationToken ct)
    {
        probing = true;
        try
        {
            while (await looks.Reader.WaitToReadAsync(ct))
            {
                while (looks.Reader.TryRead(out var thenTick))
                {
                    looking = true;
                    try
                    {
                        await ObserveAsync(probe, ct);
                    }
                    finally
                    {
                        looking = false;
                        if (thenTick)
                        {
                            inbox.Writer.TryWrite(new FailoverInput.Tick());
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            probing = false;
        }
    }

    private async Task TickLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, ctx.Time);
        while (await Ticks.NextAsync(timer, ct))
        {
            // The probe hands this tick over after its look; when it cannot look now (a look still under way, one
            // waiting, or the probe loop restarting after a fault), or a steady standby does not look at this tick, the
            // tick goes at once, on the last look.
            if (!cadence.ShouldLook(SteadyStandby()) || !probing || looking || !looks.Writer.TryWrite(true))
            {
                inbox.Writer.TryWrite(new FailoverInput.Tick());
            }
        }
    }

    /// <summary>Whether a look up to <see cref="LookCadence.QuietEvery"/> ticks old decides as a fresh one would here: see
    /// the class.</summary>
    private bool SteadyStandby() =>
        LookCadence.SteadyStandby(seen, Status, ctx.Time.GetUtcNow(), QuietHeardWithin)
        && Volatile.Read(ref promotingTerm) == 0 && !fencing
        && guard.SignalPresent;
}
