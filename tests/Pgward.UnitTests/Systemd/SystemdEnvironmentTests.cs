using Pgward.Core.Systemd;
using Xunit;

namespace Pgward.UnitTests.Systemd;

public sealed class SystemdEnvironmentTests
{
    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("30000000", "", 30.0)]
    [InlineData("2500000", "4242", 2.5)]
    public void Watchdog_interval_is_read_from_microseconds_for_this_process(string usec, string? pid, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), SystemdEnvironment.Watchdog(usec, pid, ownPid: 4242));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("ten", null)]
    [InlineData("30000000", "1")]
    [InlineData("30000000", "x")]
    public void No_watchdog_when_the_interval_is_missing_or_invalid_or_meant_for_another_process(string? usec, string? pid)
    {
        Assert.Null(SystemdEnvironment.Watchdog(usec, pid, ownPid: 4242));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/path")]
    [InlineData("@")]
    public void No_socket_is_opened_without_a_path_or_an_abstract_name(string? address)
    {
        Assert.Null(NotifySocket.Open(address));
    }
}
