using Pgward.Cli.Output;
using Xunit;

namespace Pgward.UnitTests.Cli.Output;

public class CsvTests
{
    [Theory]
    [InlineData("node1", "node1")]
    [InlineData("", "")]
    [InlineData(" padded ", " padded ")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    public void Field_quotes_only_when_value_holds_comma_quote_or_line_break(string value, string expected)
    {
        Assert.Equal(expected, Csv.Field(value));
    }

    [Fact]
    public void Line_joins_fields_with_commas_and_quotes_each_as_needed()
    {
        Assert.Equal("3,node3,standby_register,t,\"a, b\"", Csv.Line("3", "node3", "standby_register", "t", "a, b"));
    }
}
