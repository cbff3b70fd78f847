using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pgward.Core.Supervision;
using Pgward.Core.Systemd;
using Pgward.UnitTests.Supervision;
using Xunit;

namespace Pgward.UnitTests.Systemd;

public sealed class ServiceNotifierTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(4);

    private readonly FakeTimeProvider time = new();
    private readonly Recording sink = new();
    private int looks;

    private CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_loop_that_stops_beating_stops_the_watchdog_pings_and_one_that_beats_again_resumes_them()
    {
        using var loops = new LoopSupervisor(time, new RecordingLogger());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var failover = loops.Add("failover", LoopFaultPolicy.StopProcess, stuckAfter: TimeSpan.FromSeconds(60));
        var looping = failover.RunAsync(ct => Task.Delay(Timeout.InfiniteTimeSpan, time, ct), stop.Token);
        using var notifier = new ServiceNotifier(sink, new NotifyPolicy(Watchdog), time);
        var notifying = notifier.RunAsync(() => Looked(true), loops.Stuck, stop.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(59));
        Assert.Equal("READY=1\nSTATUS=running\nWATCHDOG=1", sink.Messages.First());
        // One ping every 2 s (half the watchdog interval) for the 59 s the loop was within its limit.
        Assert.InRange(sink.Messages.Count(m => m.Contains("WATCHDOG=1", StringComparison.Ordinal)), 29, 31);

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var before = sink.Messages.Count;
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        var whileStuck = sink.Messages.Skip(before).ToList();
        Assert.DoesNotContain(whileStuck, m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
        Assert.Contains(sink.Messages, m => m.StartsWith("STATUS=stuck: failover: stuck (no round for", StringComparison.Ordinal));

        failover.Beat();
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Contains("STATUS=running\nWATCHDOG=1", sink.Messages);

        await stop.CancelAsync();
        await Task.WhenAll(looping, notifying).WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal("STOPPING=1\nSTATUS=stopping", sink.Messages.Last());
    }

    [Fact]
    public async Task Ready_waits_for_the_daemon_and_is_sent_within_a_tick_of_it()
    {
        var ready = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using var notifier = new ServiceNotifier(sink, new NotifyPolicy(watchdog: null), time);
        var notifying = notifier.RunAsync(() => Looked(Volatile.Read(ref ready)), () => [], stop.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["STATUS=starting"], sink.Messages);
        Volatile.Write(ref ready, true);
        await AdvanceAsync(ServiceNotifier.LongestTick);
        Assert.Equal(["STATUS=starting", "READY=1\nSTATUS=running"], sink.Messages);

        await stop.CancelAsync();
        await notifying.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    [Fact]
    public void Ticks_are_a_quarter_of_the_ping_interval_when_that_is_shorter_than_250_ms()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), new ServiceNotifier(sink, new NotifyPolicy(TimeSpan.FromSeconds(30)), time).Tick);
        Assert.Equal(TimeSpan.FromMilliseconds(100), new ServiceNotifier(sink, new NotifyPolicy(TimeSpan.FromMilliseconds(800)), time).Tick);
    }

    private bool Looked(bool ready)
    {
        Interlocked.Increment(ref looks);
        return ready;
    }

    // Moves the fake clock one tick at a time, each time until the notifier has looked again.
    private async Task AdvanceAsync(TimeSpan by)
    {
        var step = ServiceNotifier.LongestTick;
        for (var moved = TimeSpan.Zero; moved < by; moved += step)
        {
            var before = Volatile.Read(ref looks);
            time.Advance(step);
            for (var i = 0; i < 1000 && Volatile.Read(ref looks) == before; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, Token);
            }
        }
        // What the notifier decided on its last look is sent right after it.
        await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, Token);
    }

    private sealed class Recording : INotifySink
    {
        private readonly ConcurrentQueue<string> messages = new();

        public List<string> Messages => [.. messages];

        public void Send(string message)
        {
            messages.Enqueue(message);
        }
    }
}
