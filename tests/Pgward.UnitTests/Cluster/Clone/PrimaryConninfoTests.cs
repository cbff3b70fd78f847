using Pgward.Cluster.Clone;
using Xunit;

namespace Pgward.UnitTests.Cluster.Clone;

public sealed class PrimaryConninfoTests
{
    [Theory]
    [InlineData("host=a port=1 user=u")]
    [InlineData("host=a password='it\\'s' user=u")]
    [InlineData("host=a password=back\\\\slash")]
    public void ParseLine_reads_back_what_Quote_wrote_when_value_has_quotes_or_backslashes(string conninfo)
    {
        var line = $"primary_conninfo = {StandbyConfiguration.Quote(conninfo)}";

        Assert.Equal(conninfo, PrimaryConninfo.ParseLine(line));
    }

    [Theory]
    [InlineData("primary_slot_name = 'x'")]
    [InlineData("# primary_conninfo = 'x'")]
    [InlineData("primary_conninfo_other = 'x'")]
    public void ParseLine_returns_null_when_line_is_not_primary_conninfo(string line) =>
        Assert.Null(PrimaryConninfo.ParseLine(line));
}
