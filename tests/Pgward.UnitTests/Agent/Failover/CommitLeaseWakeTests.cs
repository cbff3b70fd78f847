using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

/// <summary>
/// The commit lease sleeps until its end instead of polling every 20 ms (issue 17): what wakes it must cover every
/// change that ends or opens it sooner, or a switchover's release would leave its connection open (and the primary's
/// shutdown waiting for it) until the old end.
/// </summary>
public sealed class CommitLeaseWakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lease_that_opens_wakes_the_lease() =>
        Assert.True(CommitLeaseWake.Needed(wasOpen: false, DateTimeOffset.MinValue, Now.AddSeconds(1.5), Now));

    [Fact]
    public void End_moved_earlier_by_a_release_wakes_the_lease() =>
        Assert.True(CommitLeaseWake.Needed(wasOpen: true, Now.AddSeconds(1.5), DateTimeOffset.MinValue, Now));

    [Fact]
    public void End_moved_earlier_but_still_ahead_wakes_the_lease_to_sleep_to_the_new_end() =>
        Assert.True(CommitLeaseWake.Needed(wasOpen: true, Now.AddSeconds(1.5), Now.AddSeconds(1), Now));

    [Fact]
    public void Lease_that_lapsed_by_this_hosts_clock_wakes_the_lease() =>
        Assert.True(CommitLeaseWake.Needed(wasOpen: true, Now.AddSeconds(-0.1), Now.AddSeconds(-0.1), Now));

    [Fact]
    public void End_moved_later_or_unchanged_does_not_wake_the_lease()
    {
        Assert.False(CommitLeaseWake.Needed(wasOpen: true, Now.AddSeconds(1.25), Now.AddSeconds(1.5), Now));
        Assert.False(CommitLeaseWake.Needed(wasOpen: true, Now.AddSeconds(1.5), Now.AddSeconds(1.5), Now));
        Assert.False(CommitLeaseWake.Needed(wasOpen: false, DateTimeOffset.MinValue, DateTimeOffset.MinValue, Now));
    }

    [Fact]
    public async Task Signal_set_before_the_wait_is_not_lost()
    {
        var signal = new WakeSignal();
        signal.Set();
        var time = new FakeTimeProvider(Now);

        var woken = signal.WaitAsync(TimeSpan.FromSeconds(1), time, TestContext.Current.CancellationToken);

        Assert.True(woken.IsCompleted, "a wake set before the wait was lost");
        Assert.True(await woken);
    }

    [Fact]
    public async Task Signal_wakes_a_waiter_once_then_the_next_wait_sleeps_until_its_timeout()
    {
        var signal = new WakeSignal();
        var time = new FakeTimeProvider(Now);
        var ct = TestContext.Current.CancellationToken;

        var first = signal.WaitAsync(TimeSpan.FromSeconds(1), time, ct);
        Assert.False(first.IsCompleted);
        signal.Set();
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10), ct));

        var second = signal.WaitAsync(TimeSpan.FromSeconds(1), time, ct);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted, "woken without a Set, before its timeout");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await second.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }

    [Fact]
    public async Task Signal_set_after_a_wait_timed_out_wakes_the_next_wait()
    {
        var signal = new WakeSignal();
        var time = new FakeTimeProvider(Now);
        var ct = TestContext.Current.CancellationToken;

        var first = signal.WaitAsync(TimeSpan.FromSeconds(1), time, ct);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await first.WaitAsync(TimeSpan.FromSeconds(10), ct));
        signal.Set();

        var next = signal.WaitAsync(TimeSpan.FromSeconds(1), time, ct);
        Assert.True(next.IsCompleted, "a wake set between a timed-out wait and the next one was lost");
        Assert.True(await next);
    }

    [Fact]
    public async Task Cancelled_wait_throws()
    {
        var signal = new WakeSignal();
        using var cancel = new CancellationTokenSource();
        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(1), new FakeTimeProvider(Now), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
