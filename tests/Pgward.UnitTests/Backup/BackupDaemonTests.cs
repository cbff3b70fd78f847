using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pgward.Backup;
using Pgward.Backup.Supervision;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class BackupDaemonTests
{
    [Fact]
    public async Task Receiver_that_throws_what_it_did_not_expect_is_reported_and_started_again_instead_of_stopping_in_silence()
    {
        // failover-during-backup:async seed 619: the receiver's last log line was "WAL streaming interrupted", and the
        // daemon's streaming loop had ended with an exception nobody observed.
        var time = new FakeTimeProvider();
        var reporter = new Collecting();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var second = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = BackupDaemon.KeepStreamingAsync(_ =>
        {
            Interlocked.Increment(ref calls);
            return calls == 1 ? throw new InvalidOperationException("Connection is not open") : second.Task;
        }, reporter, time, stop.Token);

        await WaitUntilAsync(() => reporter.Errors.Any(e => e.Contains("InvalidOperationException: Connection is not open", StringComparison.Ordinal)));
        Assert.Equal(1, Volatile.Read(ref calls));
        time.Advance(BackupDaemon.RetryInterval);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);

        await stop.CancelAsync();
        second.SetResult(Outcome.Ok);
        await loop.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_fault_in_either_loop_is_reported_and_the_loop_runs_again_with_a_growing_wait_and_says_when_it_works_again()
    {
        using var dir = new TempDirectory();
        await using var db = new DbConnector();
        var time = new FakeTimeProvider();
        var reporter = new Collecting();
        var ctx = new BackupContext(new BackupOptions { BackupDirectory = dir.Path, Conninfo = "host=127.0.0.1" }, reporter, db, time);
        var (streams, upkeeps) = (0, 0);
        using var stop = new CancellationTokenSource();

        var daemon = BackupDaemon.RunAsync(ctx, token =>
        {
            // The receiver's own handling let an exception through once; then it streams until stopped.
            return Interlocked.Increment(ref streams) == 1 ? throw new InvalidOperationException("Connection is not open") : UntilCancelledAsync(token);
        }, _ => Interlocked.Increment(ref upkeeps) switch
        {
            // Not only IOException: the upkeep loop used to die of anything else, in silence.
            1 => throw new UnauthorizedAccessException("access to backup.info denied"),
            2 => throw new InvalidDataException("backup.info: no begin_time"),
            _ => Task.FromResult<string?>(null),
        }, stop.Token);

        await WaitUntilAsync(() => reporter.Errors.Any(e => e == "WAL streaming failed: InvalidOperationException: Connection is not open; retrying in 30 s"));
        await WaitUntilAsync(() => reporter.Errors.Any(e => e == "backup upkeep failed: UnauthorizedAccessException: access to backup.info denied; retrying in 30 s"));
        time.Advance(SupervisedLoop.FirstRetry);
        await WaitUntilAsync(() => Volatile.Read(ref streams) == 2 && Volatile.Read(ref upkeeps) == 2);
        await WaitUntilAsync(() => reporter.Errors.Any(e => e == "backup upkeep failed: InvalidDataException: backup.info: no begin_time; retrying in 60 s"));
        time.Advance(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => reporter.Notices.Contains("backup upkeep works again after 2 failed attempt(s)"));
        Assert.False(daemon.IsCompleted);

        await stop.CancelAsync();
        var outcome = await daemon.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task A_loop_that_ends_on_its_own_stops_the_other_loops_and_the_process_with_a_non_zero_exit()
    {
        var reporter = new Collecting();
        var otherStopped = false;

        var outcome = await LoopSupervisor.RunAsync(
        [
            ("WAL streaming", async token =>
            {
                await UntilCancelledAsync(token).ContinueWith(_ => otherStopped = true, TaskScheduler.Default);
            }),
            ("backup upkeep", _ => throw new IOException("fsync of wal-verified failed")),
        ], reporter, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Internal, outcome.ExitCode);
        Assert.Equal("the backup upkeep loop ended on its own (IOException: fsync of wal-verified failed): stopping the process so that its "
            + "service manager starts it again", Assert.Single(reporter.Errors));
        Assert.True(otherStopped);
    }

    [Fact]
    public void The_wait_after_failures_in_a_row_doubles_from_30_seconds_to_5_minutes()
    {
        Assert.Equal([30, 60, 120, 240, 300, 300], Enumerable.Range(1, 6).Select(n => SupervisedLoop.RetryDelay(n).TotalSeconds));
    }

    private static async Task<Outcome> UntilCancelledAsync(CancellationToken ct)
    {
        var cancelled = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = ct.Register(() => cancelled.TrySetCanceled(ct));
        return await cancelled.Task;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, TestContext.Current.CancellationToken);
        }
        Assert.True(condition());
    }

    private sealed class Collecting : IReporter
    {
        private readonly ConcurrentQueue<(ReportLevel Level, string Message)> lines = new();

        public IEnumerable<string> Errors => lines.Where(l => l.Level == ReportLevel.Error).Select(l => l.Message);

        public IEnumerable<string> Notices => lines.Where(l => l.Level == ReportLevel.Notice).Select(l => l.Message);

        public void Report(ReportLevel level, string message) => lines.Enqueue((level, message));

        public void Progress(string message)
        {
        }
    }
}
