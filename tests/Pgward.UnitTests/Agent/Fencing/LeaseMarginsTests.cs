using Pgward.Agent.Fencing;
using Xunit;

namespace Pgward.UnitTests.Agent.Fencing;

public sealed class LeaseMarginsTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static TimeSpan S(double s) => TimeSpan.FromSeconds(s);

    [Fact]
    public void Renewals_on_time_say_nothing_and_count_nothing()
    {
        var margins = new LeaseMargins();

        Assert.Null(margins.Renewed(Ms(1000), S(1)));
        Assert.Null(margins.Renewed(LeaseMargins.Low, S(2)));

        Assert.Equal(0, margins.LateRenewals);
    }

    [Fact]
    public void The_first_late_renewal_is_said_at_once_and_later_ones_once_a_minute_with_the_smallest_margin()
    {
        var margins = new LeaseMargins();

        Assert.Equal((1, Ms(300)), margins.Renewed(Ms(300), S(10)));
        // Within the minute: counted, kept for the next report, the smallest margin (one after the lease lapsed) with it.
        Assert.Null(margins.Renewed(Ms(100), S(20)));
        Assert.Null(margins.Renewed(Ms(-40), S(30)));
        Assert.Null(margins.Renewed(Ms(900), S(69)));
        // A minute after the last report, even a renewal on time reports what was kept.
        Assert.Equal((2, Ms(-40)), margins.Renewed(Ms(900), S(70)));
        Assert.Null(margins.Renewed(Ms(900), S(200)));
        Assert.Equal((1, Ms(499)), margins.Renewed(Ms(499), S(201)));

        Assert.Equal(4, margins.LateRenewals);
    }
}
