using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Dashboard;
using Xunit;

namespace Pgward.UnitTests.Agent.Dashboard;

public sealed class DashboardStateCacheTests
{
    private static DashboardState State(string servedBy) => new(DateTimeOffset.UnixEpoch, servedBy, null, [], [], [], []);

    [Fact]
    public async Task Pages_polling_at_once_share_one_refresh_and_the_state_is_reused_until_it_is_older_than_its_maximum_age()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var calls = 0;
        var next = new TaskCompletionSource<DashboardState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new DashboardStateCache(_ =>
        {
            Interlocked.Increment(ref calls);
            return next.Task;
        }, time, CancellationToken.None);

        var first = cache.GetAsync(ct);
        var second = cache.GetAsync(ct);
        next.SetResult(State("a"));
        Assert.Equal("a", (await first)?.ServedBy);
        Assert.Equal("a", (await second)?.ServedBy);
        time.Advance(DashboardStateCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Equal("a", (await cache.GetAsync(ct))?.ServedBy);
        Assert.Equal(1, calls);

        next = new TaskCompletionSource<DashboardState>(TaskCreationOptions.RunContinuationsAsynchronously);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var third = cache.GetAsync(ct);
        next.SetResult(State("b"));
        Assert.Equal("b", (await third)?.ServedBy);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_refresh_that_hangs_leaves_the_page_with_the_last_state_and_is_joined_by_the_next_poll()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var next = new TaskCompletionSource<DashboardState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var cache = new DashboardStateCache(_ =>
        {
            Interlocked.Increment(ref calls);
            return next.Task;
        }, time, CancellationToken.None);

        var before = cache.GetAsync(ct);
        time.Advance(DashboardStateCache.MaxWait);
        Assert.Null(await before);

        var joining = cache.GetAsync(ct);
        next.SetResult(State("late"));
        Assert.Equal("late", (await joining)?.ServedBy);
        Assert.Equal(1, calls);

        next = new TaskCompletionSource<DashboardState>(TaskCreationOptions.RunContinuationsAsynchronously);
        time.Advance(DashboardStateCache.MaxAge);
        var stale = cache.GetAsync(ct);
        time.Advance(DashboardStateCache.MaxWait);
        Assert.Equal("late", (await stale)?.ServedBy);
    }
}
