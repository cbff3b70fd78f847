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
/// </summary>
public sealed partial class FailoverDriver
{
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
            // waiting, or the probe loop restarting after a fault), the tick goes at once, on the last look.
            if (!probing || looking || !looks.Writer.TryWrite(true))
            {
                inbox.Writer.TryWrite(new FailoverInput.Tick());
            }
        }
    }
}
