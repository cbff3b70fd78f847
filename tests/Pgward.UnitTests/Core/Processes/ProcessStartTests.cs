using Pgward.Core.Processes;
using Xunit;

namespace Pgward.UnitTests.Core.Processes;

public sealed class ProcessStartTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    // A postmaster's /proc/PID/stat: its command has a space and a parenthesis, as a process's name may.
    private const string Stat = "4242 (postgres (x)) S 1 4242 4242 0 -1 4194560 1403 0 0 0 2 1 0 0 20 0 1 0 5000250 "
        + "226000896 7450 18446744073709551615 1 1 0 0 0 0 0 16777216 1098 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void The_start_is_now_less_the_age_from_uptime_and_start_ticks_taken_at_their_earliest()
    {
        // Up 50010.00 s, started at tick 5000250 of 100 a second (50002.50 s): 7.50 s ago at most 7.51.
        var earliest = ProcessStart.Earliest(Now, "50010.00 99000.12\n", Stat, 100);
        Assert.Equal(Now.AddMilliseconds(-7510), earliest);
    }

    [Fact]
    public void What_cannot_be_read_gives_no_start()
    {
        Assert.Null(ProcessStart.Earliest(Now, "garbage", Stat, 100));
        Assert.Null(ProcessStart.Earliest(Now, "50010.00 1", "4242 (postgres) S 1 2", 100));
        Assert.Null(ProcessStart.Earliest(Now, "50010.00 1", "no parenthesis", 100));
        Assert.Null(ProcessStart.Earliest(Now, "50010.00 1", Stat, 0));
        // A start after the uptime read: the files disagree, so nothing is claimed.
        Assert.Null(ProcessStart.Earliest(Now, "40000.00 1", Stat, 100));
    }
}
