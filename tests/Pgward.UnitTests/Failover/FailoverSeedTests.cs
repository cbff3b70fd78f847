using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Seeds of the randomized runs that once failed, kept as named tests.</summary>
public sealed class FailoverSeedTests
{
    /// <summary>Two standbys with equal WAL both won their pre-votes and split the vote; failover took 4.4 s.
    /// Fixed by the pre-vote window and deferring to a candidate that takes precedence.</summary>
    [Fact]
    public void Seed_27_equal_standbys_do_not_split_the_vote() =>
        Assert.Empty(FailoverRandomizedTests.BenignCrash(27));

    [Theory]
    [InlineData(54)]
    [InlineData(79)]
    [InlineData(111)]
    [InlineData(123)]
    [InlineData(138)]
    [InlineData(140)]
    [InlineData(155)]
    [InlineData(178)]
    public void Seeds_that_once_split_the_vote_fail_over_within_four_seconds(int seed) =>
        Assert.Empty(FailoverRandomizedTests.BenignCrash(seed));
}
