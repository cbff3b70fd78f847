using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigValuesTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("on", true)]
    [InlineData("Yes", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("Off", false)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    public void TryParseBool_accepts_postgresql_spellings_in_any_case(string text, bool expected)
    {
        Assert.True(ConfigValues.TryParseBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("y")]
    [InlineData("enabled")]
    [InlineData("")]
    public void TryParseBool_rejects_other_words(string text)
    {
        Assert.False(ConfigValues.TryParseBool(text, out _));
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-1", -1)]
    [InlineData("+7", 7)]
    [InlineData("0x1F", 31)]
    [InlineData("0X10", 16)]
    public void TryParseInteger_reads_decimal_and_hex(string text, long expected)
    {
        Assert.True(ConfigValues.TryParseInteger(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("high")]
    [InlineData("1.5")]
    [InlineData("10s")]
    [InlineData("0x")]
    [InlineData("0xFFFFFFFFFFFFFFFF")]
    [InlineData("--1")]
    public void TryParseInteger_rejects_non_integers(string text)
    {
        Assert.False(ConfigValues.TryParseInteger(text, out _));
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("45s", 45_000)]
    [InlineData("2min", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("10 s", 10_000)]
    public void TryParseDuration_reads_bare_numbers_in_default_unit_and_suffixed_units(string text, long expectedMs)
    {
        Assert.True(ConfigValues.TryParseDuration(text, TimeSpan.FromSeconds(1), out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), value);
    }

    [Theory]
    [InlineData("10 seconds")]
    [InlineData("10S")]
    [InlineData("1w")]
    [InlineData("soon")]
    public void TryParseDuration_rejects_unknown_units(string text)
    {
        Assert.False(ConfigValues.TryParseDuration(text, TimeSpan.FromSeconds(1), out _));
    }

    [Theory]
    [InlineData("1048576", 1_048_576)]
    [InlineData("512kB", 524_288)]
    [InlineData("16MB", 16_777_216)]
    [InlineData("1GB", 1_073_741_824)]
    public void TryParseSize_reads_bytes_and_postgresql_units(string text, long expected)
    {
        Assert.True(ConfigValues.TryParseSize(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void FormatDuration_writes_text_that_parses_back()
    {
        foreach (var span in new[] { TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(1500) })
        {
            Assert.True(ConfigValues.TryParseDuration(ConfigValues.FormatDuration(span), TimeSpan.FromSeconds(1), out var back));
            Assert.Equal(span, back);
        }
    }
}
