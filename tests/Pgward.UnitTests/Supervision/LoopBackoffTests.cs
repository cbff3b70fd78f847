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
    public void After_doubles_from_one_second_up_to_thirty(int faults, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoopBackoff.After(faults));
}
