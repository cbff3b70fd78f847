using Microsoft.Extensions.Logging;
using Pgward.Agent.Failover;
using Pgward.UnitTests.Supervision;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class EventQueueTests
{
    private readonly RecordingLogger log = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_that_cannot_be_written_is_logged_and_the_ones_after_it_are_still_written()
    {
        var written = new List<string>();
        var queue = new EventQueue((name, _, _, _) =>
        {
            if (name == "repmgrd_failover_promote")
            {
                throw new Npgsql.NpgsqlException("the primary went away");
            }
            lock (written)
            {
                written.Add(name);
            }
            return Task.CompletedTask;
        }, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = queue.RunAsync(stop.Token);

        queue.Record("repmgrd_failover_promote", true, "node 2 promoted");
        queue.Record("repmgrd_failover_follow", true, "node 3 follows node 2");
        for (var i = 0; Written() == 0; i++)
        {
            Assert.True(i < 500, "the event after the failed one was never written");
            await Task.Delay(10, Token);
        }
        await stop.CancelAsync();
        await run;

        Assert.Equal(["repmgrd_failover_follow"], written);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning
            && l.Text == "event repmgrd_failover_promote not recorded: the primary went away");

        int Written()
        {
            lock (written)
            {
                return written.Count;
            }
        }
    }

    [Fact]
    public async Task While_nothing_can_be_written_the_queue_keeps_only_the_newest_events_and_logs_each_drop()
    {
        var release = new TaskCompletionSource();
        var written = new List<string>();
        var queue = new EventQueue(async (name, _, _, ct) =>
        {
            await release.Task.WaitAsync(ct);
            written.Add(name);
        }, log);

        // Nobody reads yet (the writer waits for the primary): the queue must not grow without bound.
        for (var i = 0; i < EventQueue.Capacity + 10; i++)
        {
            queue.Record($"event{i}", true, "");
        }
        Assert.Equal(10, log.Lines.Count(l => l.Level == LogLevel.Warning && l.Text.Contains("dropped", StringComparison.Ordinal)));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = queue.RunAsync(stop.Token);
        release.SetResult();
        for (var i = 0; written.Count < EventQueue.Capacity; i++)
        {
            Assert.True(i < 500, $"{written.Count} events written");
            await Task.Delay(10, Token);
        }
        await stop.CancelAsync();
        await run;
        Assert.Equal("event10", written[0]);
        Assert.Equal($"event{EventQueue.Capacity + 9}", written[^1]);
    }
}
