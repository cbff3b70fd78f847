using Pgward.Agent.Health;
using Xunit;

namespace Pgward.UnitTests.Agent;

public sealed class HealthQueryTests
{
    [Theory]
    [InlineData("16MB", 16L * 1024 * 1024)]
    [InlineData("1048576", 1048576L)]
    [InlineData("64kB", 64L * 1024)]
    [InlineData("1GB", 1L << 30)]
    [InlineData("0", 0L)]
    [InlineData(" 10MB ", 10L * 1024 * 1024)]
    public void TryParse_reads_bytes_with_PostgreSQL_units(string lag, long expected)
    {
        Assert.True(HealthQuery.TryParse(lag, out var query, out var error), error);
        Assert.Equal(expected, query.MaxLagBytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_without_lag_sets_no_limit(string? lag)
    {
        Assert.True(HealthQuery.TryParse(lag, out var query, out _));
        Assert.Null(query.MaxLagBytes);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("16XB")]
    [InlineData("-5")]
    [InlineData("99999999999TB")]
    public void TryParse_rejects_unreadable_lag_with_a_message(string lag)
    {
        Assert.False(HealthQuery.TryParse(lag, out _, out var error));
        Assert.Contains(lag, error, StringComparison.Ordinal);
    }
}
