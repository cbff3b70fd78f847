using Pgward.Core.Systemd;
using Xunit;

namespace Pgward.UnitTests.Systemd;

public sealed class NotifyPolicyTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(10);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Ready_is_sent_once_when_the_daemon_becomes_ready_and_not_before()
    {
        var policy = new NotifyPolicy(watchdog: null);

        Assert.Equal("STATUS=starting", policy.Next(At(0), ready: false, []));
        Assert.Null(policy.Next(At(1), ready: false, []));
        Assert.Equal("READY=1\nSTATUS=running", policy.Next(At(2), ready: true, []));
        Assert.Null(policy.Next(At(3), ready: true, []));
    }

    [Fact]
    public void Watchdog_is_pinged_every_half_interval_while_no_loop_is_stuck()
    {
        var policy = new NotifyPolicy(Watchdog);

        Assert.Equal("READY=1\nSTATUS=running\nWATCHDOG=1", policy.Next(At(0), ready: true, []));
        Assert.Null(policy.Next(At(4.9), ready: true, []));
        Assert.Equal("WATCHDOG=1", policy.Next(At(5), ready: true, []));
        Assert.Null(policy.Next(At(9.9), ready: true, []));
        Assert.Equal("WATCHDOG=1", policy.Next(At(10), ready: true, []));
    }

    [Fact]
    public void A_stuck_loop_withholds_the_watchdog_ping_and_says_so_in_the_status_until_it_beats_again()
    {
        var policy = new NotifyPolicy(Watchdog);
        policy.Next(At(0), ready: true, []);
        string[] stuck = ["failover: stuck (no round for 61 s)"];

        Assert.Equal("STATUS=stuck: failover: stuck (no round for 61 s); watchdog pings withheld so that the service manager restarts pgward",
            policy.Next(At(5), ready: true, stuck));
        for (var second = 6; second < 30; second++)
        {
            Assert.Null(policy.Next(At(second), ready: true, stuck));
        }
        Assert.Equal("STATUS=running\nWATCHDOG=1", policy.Next(At(30), ready: true, []));
    }

    [Fact]
    public void Stopping_is_sent_once_and_nothing_after_it()
    {
        var policy = new NotifyPolicy(Watchdog);
        policy.Next(At(0), ready: true, []);

        Assert.Equal("STOPPING=1\nSTATUS=stopping", policy.Stop());
        Assert.Null(policy.Stop());
        Assert.Null(policy.Next(At(20), ready: true, []));
    }
}
