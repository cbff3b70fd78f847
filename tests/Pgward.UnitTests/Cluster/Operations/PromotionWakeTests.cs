using Pgward.Cluster.Operations;
using Xunit;

namespace Pgward.UnitTests.Cluster.Operations;

/// <summary>When a promotion wakes the startup process that sleeps out wal_retrieve_retry_interval (issue 17: the
/// switchover's 1.2-1.3 s write gaps).</summary>
public sealed class PromotionWakeTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Startup_process_sleeping_out_the_retry_interval_after_the_request_is_woken()
    {
        Assert.True(PromotionWake.Due(PromotionWake.RetryWaitEvent, 30 * Ms, sinceLastWake: null));
    }

    [Fact]
    public void Startup_process_is_not_woken_before_the_request_had_time_to_reach_it()
    {
        // A reload that came before the request's own signal would start the WAL receiver again: the slow state.
        Assert.False(PromotionWake.Due(PromotionWake.RetryWaitEvent, 5 * Ms, sinceLastWake: null));
    }

    [Theory]
    [InlineData("RecoveryWalStream")]
    [InlineData("RecoveryApplyDelay")]
    [InlineData(null)]
    public void Startup_process_in_another_state_or_out_of_sight_is_left_alone(string? waitEvent)
    {
        Assert.False(PromotionWake.Due(waitEvent, 500 * Ms, sinceLastWake: null));
    }

    [Fact]
    public void A_wake_is_repeated_only_after_a_pause()
    {
        Assert.False(PromotionWake.Due(PromotionWake.RetryWaitEvent, 200 * Ms, sinceLastWake: 50 * Ms));
        Assert.True(PromotionWake.Due(PromotionWake.RetryWaitEvent, 200 * Ms, sinceLastWake: 100 * Ms));
    }
}
