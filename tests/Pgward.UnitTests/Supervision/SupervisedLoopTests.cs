using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pgward.Core.Supervision;
using Xunit;

namespace Pgward.UnitTests.Supervision;

public sealed class SupervisedLoopTests
{
    private readonly FakeTimeProvider time = new();
    private readonly RecordingLogger log = new();

    private CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restart_loop_runs_again_after_a_fault_with_a_growing_backoff_and_logs_each_fault_as_a_warning()
    {
        using var loops = new LoopSupervisor(time, log);
        var starts = new List<DateTimeOffset>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var loop = loops.Add("commit lease", LoopFaultPolicy.Restart);
        var task = loop.RunAsync(async ct =>
        {
            lock (starts)
            {
                starts.Add(time.GetUtcNow());
                if (starts.Count <= 2)
                {
                    throw new IOException("connection reset");
                }
            }
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }, stop.Token);

        await AdvanceUntilAsync(() => Count(starts) == 3 && loop.Status == LoopStatus.Running);

        Assert.InRange(starts[1] - starts[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
        Assert.InRange(starts[2] - starts[1], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
        Assert.Equal(2, log.Lines.Count(l => l.Level == LogLevel.Warning && l.Text.Contains("loop commit lease failed: connection reset", StringComparison.Ordinal)));
        Assert.Contains(log.Lines, l => l.Text.Contains("loop commit lease runs again after 2 fault(s)", StringComparison.Ordinal));
        Assert.Empty(loops.Problems());
        Assert.False(loops.Fatal.IsCancellationRequested);
        await stop.CancelAsync();
        await task;
        Assert.Equal(LoopStatus.Ended, loop.Status);
    }

    private static int Count(List<DateTimeOffset> starts)
    {
        lock (starts)
        {
            return starts.Count;
        }
    }

    /// <summary>Moves the fake clock 100 ms at a time, letting the loop run between steps, until the condition holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1000, "condition not reached");
            await Task.Delay(5, Token);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public async Task A_restarting_loop_that_faults_each_time_it_starts_is_reported_failing()
    {
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var starts = new List<DateTimeOffset>();
        var loop = loops.Add("agent-url refresh", LoopFaultPolicy.Restart);
        var task = loop.RunAsync(_ =>
        {
            lock (starts)
            {
                starts.Add(time.GetUtcNow());
            }
            throw new InvalidOperationException("no such table: pgward.nodes");
        }, stop.Token);

        await AdvanceUntilAsync(() => Count(starts) == SupervisedLoop.FailingAfter - 1 && loop.Status == LoopStatus.Restarting);
        Assert.Empty(loops.Problems());
        await AdvanceUntilAsync(() => Count(starts) == SupervisedLoop.FailingAfter && loop.Status == LoopStatus.Restarting);
        Assert.Equal(["agent-url refresh: failing (5 faults in a row, the last: no such table: pgward.nodes)"], loops.Problems());
        Assert.False(loops.Fatal.IsCancellationRequested);

        await stop.CancelAsync();
        await task;
    }

    [Fact]
    public async Task Restart_loop_with_a_backoff_of_its_own_waits_that_long_before_it_runs_again()
    {
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var starts = 0;
        var loop = loops.Add("WAL streaming", LoopFaultPolicy.Restart, backoff: new LoopBackoff(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)));
        var task = loop.RunAsync(ct => Interlocked.Increment(ref starts) == 1
            ? throw new IOException("connection reset")
            : Task.Delay(Timeout.InfiniteTimeSpan, ct), stop.Token);
        await WaitUntilAsync(() => loop.Status == LoopStatus.Restarting);

        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50, Token);
        Assert.Equal(1, Volatile.Read(ref starts));
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => Volatile.Read(ref starts) == 2);
        Assert.Contains(log.Lines, l => l.Text.Contains("loop WAL streaming failed: connection reset; it runs again in 30 s", StringComparison.Ordinal));

        await stop.CancelAsync();
        await task;
    }

    [Fact]
    public async Task StopProcess_loop_that_throws_cancels_Fatal_names_itself_in_Failure_and_in_Problems()
    {
        using var loops = new LoopSupervisor(time, log);
        var loop = loops.Add("failover", LoopFaultPolicy.StopProcess);

        await loop.RunAsync(_ => throw new IOException("fsync: Input/output error"), Token);

        Assert.True(loops.Fatal.IsCancellationRequested);
        Assert.Equal("the failover loop failed: fsync: Input/output error", loops.Failure);
        Assert.Equal(["failover: failed (fsync: Input/output error)"], loops.Problems());
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("process stops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_loop_that_ends_by_itself_is_a_fault_unless_ending_is_its_normal_course()
    {
        using var loops = new LoopSupervisor(time, log);
        await loops.Add("failover", LoopFaultPolicy.StopProcess, mayEnd: true).RunAsync(_ => Task.CompletedTask, Token);
        Assert.False(loops.Fatal.IsCancellationRequested);

        await loops.Add("dead-man supervision", LoopFaultPolicy.StopProcess).RunAsync(_ => Task.CompletedTask, Token);
        Assert.Equal("the dead-man supervision loop failed: it ended by itself", loops.Failure);
    }

    [Fact]
    public async Task A_loop_that_stops_beating_is_reported_stuck_and_no_longer_once_it_beats()
    {
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var loop = loops.Add("monitor", LoopFaultPolicy.Restart, stuckAfter: TimeSpan.FromMinutes(1));
        var task = loop.RunAsync(ct => Task.Delay(Timeout.InfiniteTimeSpan, ct), stop.Token);
        await WaitUntilAsync(() => loop.Status == LoopStatus.Running);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(loops.Problems());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["monitor: stuck (no round for 61 s)"], loops.Problems());
        loop.Beat();
        Assert.Empty(loops.Problems());

        await stop.CancelAsync();
        await task;
    }

    [Fact]
    public async Task Cancelled_loop_ends_without_a_fault()
    {
        using var loops = new LoopSupervisor(time, log);
        using var stop = new CancellationTokenSource();
        var loop = loops.Add("failover tick", LoopFaultPolicy.StopProcess);
        var task = loop.RunAsync(ct => Task.Delay(Timeout.InfiniteTimeSpan, ct), stop.Token);
        await stop.CancelAsync();
        await task;
        Assert.Equal(LoopStatus.Ended, loop.Status);
        Assert.Null(loops.Failure);
        Assert.Empty(log.Lines);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        // The loop runs on the thread pool; the fake clock only moves when the test moves it.
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 500, "condition not reached within 5 s");
            await Task.Delay(10, Token);
        }
    }
}
