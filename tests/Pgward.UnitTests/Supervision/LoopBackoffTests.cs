using Pgward.Core.Supervision;
using Xunit;

namespace Pgward.UnitTests.Supervision;

public sealed class LoopBackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void Default_doubles_from_one_second_up_to_thirty(int faults, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoopBackoff.Default.After(faults));

    [Fact]
    public void A_backoff_of_its_own_doubles_from_its_first_wait_up_to_its_longest()
    {
        var backoff = new LoopBackoff(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        Assert.Equal([30, 60, 120, 240, 300, 300], Enumerable.Range(1, 6).Select(n => backoff.After(n).TotalSeconds));
    }
}
