using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

/// <summary>
/// Defect 7 of RELIABILITY.md: a failed automatic rejoin was never retried, and the old primary stayed down. Each
/// attempt here is a task the test settles; the fake clock is only advanced once the retry's wait is registered (the
/// clock says so), since settling may run the retry on in another thread.
/// </summary>
public sealed class RejoinRetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly SignalingTime time = new();
    private int failures;
    private readonly Channel<TaskCompletionSource<bool>> attempts = Channel.CreateUnbounded<TaskCompletionSource<bool>>();

    [Fact]
    public async Task Failed_automatic_rejoin_is_tried_again_5_s_later_up_to_three_attempts_in_all()
    {
        var run = Start();

        await SettleAsync(await NextAttemptAsync(), succeeded: false);
        Assert.False(run.IsCompleted, "the first failed attempt ended the rejoin: it was not retried");
        time.Advance(RejoinRetry.Delay - TimeSpan.FromMilliseconds(1));
        Assert.False(attempts.Reader.TryRead(out _), "retried before the delay");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await SettleAsync(await NextAttemptAsync(), succeeded: false);
        time.Advance(RejoinRetry.Delay);
        await SettleAsync(await NextAttemptAsync(), succeeded: false);

        Assert.False(await run.WaitAsync(Bound, TestContext.Current.CancellationToken));
        time.Advance(RejoinRetry.Delay * 10);
        Assert.False(attempts.Reader.TryRead(out _), "tried a fourth time");
        Assert.Equal((3, TimeSpan.FromSeconds(5)), (RejoinRetry.Attempts, RejoinRetry.Delay));
    }

    [Fact]
    public async Task Rejoin_that_succeeds_on_its_second_attempt_is_not_tried_again()
    {
        var run = Start();

        await SettleAsync(await NextAttemptAsync(), succeeded: false);
        Assert.False(run.IsCompleted, "the first failed attempt ended the rejoin: it was not retried");
        time.Advance(RejoinRetry.Delay);
        await SettleAsync(await NextAttemptAsync(), succeeded: true);

        Assert.True(await run.WaitAsync(Bound, TestContext.Current.CancellationToken));
        time.Advance(RejoinRetry.Delay * 10);
        Assert.False(attempts.Reader.TryRead(out _), "tried again after a success");
    }

    // Off the test's synchronization context, so that settling an attempt runs the retry on inline.
    private Task<bool> Start() => Task.Run(() => RejoinRetry.RunAsync(_ =>
    {
        var attempt = new TaskCompletionSource<bool>();
        attempts.Writer.TryWrite(attempt);
        return attempt.Task;
    }, time, TestContext.Current.CancellationToken));

    private async Task<TaskCompletionSource<bool>> NextAttemptAsync() =>
        await attempts.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken);

    /// <summary>Settles an attempt; after a failure, returns once the retry waits on the clock.</summary>
    private async Task SettleAsync(TaskCompletionSource<bool> attempt, bool succeeded)
    {
        await Task.Run(() => attempt.SetResult(succeeded));
        if (!succeeded && ++failures < RejoinRetry.Attempts)
        {
            Assert.True(await time.TimerCreated.WaitAsync(Bound, TestContext.Current.CancellationToken), "no wait before the next attempt");
        }
    }

    /// <summary>A fake clock that tells when a timer (a <c>Task.Delay</c>) is created on it.</summary>
    private sealed class SignalingTime : FakeTimeProvider
    {
        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
