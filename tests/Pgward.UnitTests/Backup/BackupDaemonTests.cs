using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pgward.Backup;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;
using Pgward.Core.Systemd;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class BackupDaemonTests : IAsyncDisposable
{
    private readonly TempDirectory dir = new();
    private readonly DbConnector db = new();
    private readonly FakeTimeProvider time = new();
    private readonly Collecting reporter = new();

    private BackupContext Context => new(new BackupOptions { BackupDirectory = dir.Path, Conninfo = "host=127.0.0.1" }, reporter, db, time);

    public async ValueTask DisposeAsync()
    {
        await db.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task Receiver_that_throws_what_it_did_not_expect_is_reported_and_started_again_instead_of_stopping_in_silence()
    {
        // failover-during-backup:async seed 619: the receiver's last log line was "WAL streaming interrupted", and the
        // daemon's streaming loop had ended with an exception nobody observed.
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var daemon = BackupDaemon.RunAsync(Context, token => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("Connection is not open")
            : UntilCancelledAsync(token), _ => Task.CompletedTask, Idle, null, stop.Token);

        await WaitUntilAsync(() => reporter.Warnings.Contains(
            "loop WAL streaming failed: Connection is not open; it runs again in 30 s (InvalidOperationException)"));
        Assert.Equal(1, Volatile.Read(ref calls));
        time.Advance(BackupDaemon.Backoff.First);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);
        Assert.False(daemon.IsCompleted);

        await stop.CancelAsync();
        var outcome = await daemon.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Error);
    }

    [Fact]
    public async Task Receiver_that_stops_for_an_operator_is_reported_with_its_hint_and_started_again_after_the_backoff()
    {
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var daemon = BackupDaemon.RunAsync(Context, token => Interlocked.Increment(ref calls) == 1
            ? Task.FromResult(Outcome.Fail(ExitCodes.SystemFailure, "the server is another cluster", hint: "check conninfo"))
            : UntilCancelledAsync(token), _ => Task.CompletedTask, Idle, null, stop.Token);

        await WaitUntilAsync(() => reporter.Warnings.Contains(
            "loop WAL streaming failed: the server is another cluster (check conninfo); it runs again in 30 s (ReceiverStoppedException)"));
        time.Advance(BackupDaemon.Backoff.First);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);
        Assert.False(daemon.IsCompleted);

        await stop.CancelAsync();
        await daemon.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_fault_in_either_loop_is_reported_and_the_loop_runs_again_with_a_growing_wait_and_says_when_it_does()
    {
        var (streams, upkeeps) = (0, 0);
        using var stop = new CancellationTokenSource();

        var daemon = BackupDaemon.RunAsync(Context, token =>
        {
            // The receiver's own handling let an exception through once; then it streams until stopped.
            return Interlocked.Increment(ref streams) == 1 ? throw new InvalidOperationException("Connection is not open") : UntilCancelledAsync(token);
        }, _ => Interlocked.Increment(ref upkeeps) switch
        {
            // Not only IOException: the upkeep loop used to die of anything else, in silence.
            1 => throw new UnauthorizedAccessException("access to backup.info denied"),
            2 => throw new InvalidDataException("backup.info: no begin_time"),
            _ => Task.CompletedTask,
        }, Idle, null, stop.Token);

        await WaitUntilAsync(() => reporter.Warnings.Contains("loop WAL streaming failed: Connection is not open; it runs again in 30 s (InvalidOperationException)"));
        await WaitUntilAsync(() => reporter.Warnings.Contains(
            "loop backup upkeep failed: access to backup.info denied; it runs again in 30 s (UnauthorizedAccessException)"));
        time.Advance(BackupDaemon.Backoff.First);
        await WaitUntilAsync(() => Volatile.Read(ref streams) == 2 && Volatile.Read(ref upkeeps) == 2);
        await WaitUntilAsync(() => reporter.Warnings.Contains(
            "loop backup upkeep failed: backup.info: no begin_time; it runs again in 60 s (InvalidDataException)"));
        time.Advance(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => Volatile.Read(ref upkeeps) == 3 && reporter.Notices.Contains("loop backup upkeep runs again after 2 fault(s)"));
        // Then every minute, with no new fault.
        time.Advance(BackupDaemon.CronInterval);
        await WaitUntilAsync(() => Volatile.Read(ref upkeeps) == 4);
        Assert.Equal(3, reporter.Warnings.Count(w => w.StartsWith("loop ", StringComparison.Ordinal)));
        Assert.False(daemon.IsCompleted);

        await stop.CancelAsync();
        var outcome = await daemon.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Empty(reporter.Errors);
    }

    [Fact]
    public async Task A_loop_that_ends_on_its_own_stops_the_other_loop_and_the_process_with_a_non_zero_exit()
    {
        // The streaming loop's fault cannot even be reported (stdout is gone): its supervised loop ends with that.
        reporter.LoopWarningsThrow = true;
        var upkeepStopped = false;

        var outcome = await BackupDaemon.RunAsync(Context, _ => throw new InvalidOperationException("Connection is not open"), async token =>
        {
            await UntilCancelledAsync(token).ContinueWith(_ => upkeepStopped = true, TaskScheduler.Default);
        }, Idle, null, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Internal, outcome.ExitCode);
        Assert.Equal("the WAL streaming loop ended on its own (IOException: write to stdout failed): stopping the process so that its "
            + "service manager starts it again", Assert.Single(reporter.Errors));
        Assert.True(upkeepStopped);
    }

    [Fact]
    public async Task Under_systemd_the_daemon_says_ready_once_its_loops_started_feeds_the_watchdog_and_says_stopping()
    {
        var sink = new RecordingSink();
        using var notifier = new ServiceNotifier(sink, new NotifyPolicy(TimeSpan.FromSeconds(60)), time);
        using var stop = new CancellationTokenSource();

        var daemon = BackupDaemon.RunAsync(Context, UntilCancelledAsync, _ => Task.CompletedTask, Idle, notifier, stop.Token);

        await WaitUntilAsync(() => sink.Messages.Count > 0);
        Assert.Equal("READY=1\nSTATUS=running\nWATCHDOG=1", sink.Messages[0]);
        await stop.CancelAsync();
        var outcome = await daemon.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("STOPPING=1\nSTATUS=stopping", sink.Messages[^1]);
    }

    private sealed class RecordingSink : INotifySink
    {
        private readonly ConcurrentQueue<string> messages = new();

        public List<string> Messages => [.. messages];

        public void Send(string message) => messages.Enqueue(message);
    }

    /// <summary>The schedule loop of a daemon that schedules nothing: it beats and waits.</summary>
    private static async Task Idle(Action beat, CancellationToken ct)
    {
        beat();
        await UntilCancelledAsync(ct);
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

        public bool LoopWarningsThrow { get; set; }

        public IEnumerable<string> Errors => lines.Where(l => l.Level == ReportLevel.Error).Select(l => l.Message);

        public IEnumerable<string> Warnings => lines.Where(l => l.Level == ReportLevel.Warning).Select(l => l.Message);

        public IEnumerable<string> Notices => lines.Where(l => l.Level == ReportLevel.Notice).Select(l => l.Message);

        public void Report(ReportLevel level, string message)
        {
            if (LoopWarningsThrow && level == ReportLevel.Warning && message.StartsWith("loop ", StringComparison.Ordinal))
            {
                throw new IOException("write to stdout failed");
            }
            lines.Enqueue((level, message));
        }

        public void Progress(string message)
        {
        }
    }
}
