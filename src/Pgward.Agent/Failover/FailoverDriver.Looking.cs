using System.Threading.Channels;
using Pgward.Failover;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>
/// The tick and the look at the local server: at each tick the tick loop asks the probe loop for a look, and the probe
/// hands the tick to the failover loop once it has looked, so each tick decides on a look taken just before it. A look
/// that has not ended by the next tick (a frozen or slow server: up to the probe's 1 s timeout) does not hold the ticks
/// up: they go on, deciding on the last look, as before.
/// <para>A steady standby ticks less often (<see cref="TickCadence"/>): every 500 ms instead of every 100 ms, while it
/// streams from the primary it heard within <see cref="QuietHeardWithin"/>, in no election, with no operator request,
/// not being promoted or fenced, its server in recovery and its looks alike. Why that is safe: such a node's tick
/// decides nothing before the primary has been silent for the failover timeout (2 s); a primary silent for
/// <see cref="QuietHeardWithin"/> (0.5 s at the default timings) makes it unsteady, which its next slow tick notices
/// within 500 ms, and it ticks every 100 ms from then on, long before anything falls due
/// (<see cref="TickCadence.StandbyMayQuieten"/>). Whatever else a tick would act on brings the ticks back to every
/// interval, the next one within 100 ms, as before: a message other than the primary's heartbeat, a heartbeat that
/// changes what the decisions know (another primary, a new term), an operator's request, a look that sees a change,
/// and the removal of <c>standby.signal</c>, which <see cref="SignalWatch"/> reports as it happens (without a working
/// watch the node does not slow down). Its vote reads the received position again before it goes
/// (<see cref="DetachThenSendAsync"/>), and a promotion asks for a look of its own.</para>
/// <para>A steady leader ticks once per heartbeat, at the ticks that send one (every 300 ms at the default timings), as
/// its decisions say (<see cref="FailoverNode.NextTickWithin"/>): only while its lease holds for that wait and an interval
/// more, so that should the acknowledgements stop, it ticks at every interval again before the lease can end and its
/// fence comes within a tick of that end, as before; the simulation checks that at every step. Each of its heartbeats
/// still carries the positions of a look taken just before. The agent adds its own conditions (<see cref="SteadyLeader"/>),
/// and a disturbance brings it back to every interval as it does a standby.</para>
/// <para>Candidates, voters that miss heartbeats and every node in an election tick at every interval. The tick's timer
/// stays periodic; its period is set after a tick only when the wait changes, and at a disturbance (a timer made anew
/// for each wait woke the runtime's timer thread more often: 64 times a second on a primary, against 45).</para>
/// </summary>
public sealed partial class FailoverDriver
{
    /// <summary>A standby ticks less often only while it heard the primary within this: two heartbeats, at the default
    /// timings. A primary that went silent brings its standbys' ticks back to every interval well before any election.</summary>
    private TimeSpan QuietHeardWithin => 2 * setup!.Options.HeartbeatInterval;

    private readonly TickCadence cadence = new();

    // The tick loop's timer, whose period the cadence sets, and what guards it: see DisturbTicks.
    private readonly Lock tickGate = new();
    private PeriodicTimer? tickTimer;

    // Reports the removal of standby.signal while the loop runs; null before it starts.
    private SignalWatch? signalWatch;

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
                            Input(new FailoverInput.Tick());
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
        lock (tickGate)
        {
            tickTimer = timer;
        }
        try
        {
            while (await Ticks.NextAsync(timer, ct))
            {
                // The probe hands this tick over after its look; when it cannot look now (a look still under way, one
                // waiting, or the probe loop restarting after a fault), the tick goes at once, on the last look.
                if (!probing || looking || !looks.Writer.TryWrite(true))
                {
                    Input(new FailoverInput.Tick());
                }
            }
        }
        finally
        {
            lock (tickGate)
            {
                tickTimer = null;
            }
        }
    }

    /// <summary>
    /// After each tick, the wait before the next: a steady leader's from its decisions (<see cref="SteadyLeader"/>), a
    /// steady standby's from the cadence, every interval otherwise. The timer's period is set only when the wait changes:
    /// set, it counts from now, and kept, the ticks stay where they were.
    /// </summary>
    private void PaceTicks(FailoverNode decider, DateTimeOffset now)
    {
        var interval = setup!.Options.TickInterval;
        var steady = SteadyStandby();
        var leaderWait = SteadyLeader() ? decider.NextTickWithin(now) : interval;
        lock (tickGate)
        {
            // Under the gate: a disturbance between the cadence's answer and the period set from it would be lost.
            var wait = cadence.NextWait(steady, interval);
            if (leaderWait > wait)
            {
                wait = leaderWait;
            }
            if (tickTimer is { } timer && timer.Period != wait)
            {
                timer.Period = wait;
            }
        }
    }

    /// <summary>Whether the agent has nothing of its own under way for a leader that its decisions may tick once per
    /// heartbeat (<see cref="FailoverNode.NextTickWithin"/>): its server was seen writable and not held read-only, the
    /// leadership is recorded, the sync-mode setting is in place, and no fence, unfence, promotion, operator request or
    /// handover is in progress.</summary>
    private bool SteadyLeader() =>
        Status is { IsLeader: true, Fenced: false } status
        && seen is { Writable: true, Guarded: false } current
        && Volatile.Read(ref recordedTerm) == status.Term
        && (WantedSyncStandbys() is not { } wanted || current.SynchronousStandbyNames == wanted)
        && NothingUnderWay() && !unfencing && !recording && !syncing;

    /// <summary>Whether the decisions' next ticks can wait while nothing happens: see the class.</summary>
    private bool SteadyStandby() =>
        TickCadence.SteadyStandby(seen, Status, ctx.Time.GetUtcNow(), QuietHeardWithin)
        && TickCadence.StandbyMayQuieten(setup!.Options, QuietHeardWithin)
        && NothingUnderWay()
        && signalWatch is { Working: true } && guard.SignalPresent;

    /// <summary>No promotion, fence, handover or operator's request under way: none of them may wait for a slow tick.</summary>
    private bool NothingUnderWay() =>
        Volatile.Read(ref promotingTerm) == 0 && !fencing && !Volatile.Read(ref leaving) && Volatile.Read(ref operatorRequest) is null;

    /// <summary>Something a tick would act on happened: the ticks come back to every interval, the next one within an
    /// interval from now.</summary>
    private void DisturbTicks()
    {
        lock (tickGate)
        {
            cadence.Disturb();
            TicksAtEveryInterval();
        }
    }

    /// <summary>The next tick within an interval from now, and every interval after it, unless the ticks already come at
    /// every interval (set again, the period would count from now, and a stream of messages would hold the ticks back).
    /// Under <see cref="tickGate"/>.</summary>
    private void TicksAtEveryInterval()
    {
        if (tickTimer is { } timer && setup is { } ready && timer.Period != ready.Options.TickInterval)
        {
            timer.Period = ready.Options.TickInterval;
        }
    }

    /// <summary>Whether handling <paramref name="input"/> is something a quiet node's next tick and look must not wait
    /// for: anything but a tick, a heartbeat or a reply to one, and those when they changed what the decisions report
    /// beyond when the primary was last heard.</summary>
    private static bool Disturbs(FailoverInput input, FailoverStatus? before, FailoverStatus? after) => input switch
    {
        FailoverInput.Tick or FailoverInput.Message { Body: Heartbeat or HeartbeatReply } =>
            before is null || after is null || after != before with { LastHeard = after.LastHeard },
        _ => true,
    };
}
