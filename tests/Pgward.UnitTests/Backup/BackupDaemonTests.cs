using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pgward.Backup;
using Pgward.Cluster;
using Pgward.Core.Reporting;
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
        private readonly ConcurrentQueue<string> errors = new();

        public IEnumerable<string> Errors => errors;

        public void Report(ReportLevel level, string message)
        {
            if (level == ReportLevel.Error)
            {
                errors.Enqueue(message);
            }
        }

        public void Progress(string message)
        {
        }
    }
}
