using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

/// <summary>
/// Defect 7 of RELIABILITY.md: a failed automatic rejoin was never retried, and the old primary stayed down. Each
/// attempt here is a task the test settles; settling runs the retry on to its next wait, so the fake clock is only
/// advanced once that wait is registered.
/// </summary>
public sealed class RejoinRetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new();
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

    private static Task SettleAsync(TaskCompletionSource<bool> attempt, bool succeeded) => Task.Run(() => attempt.SetResult(succeeded));
}
