using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigProblemTests
{
    [Fact]
    public void ToString_reads_file_line_key_and_message()
    {
        var problem = new ConfigProblem("pgward.conf", 12, "priority", "expected an integer from 0 to 2147483647, got \"high\"");

        Assert.Equal("pgward.conf:12: \"priority\": expected an integer from 0 to 2147483647, got \"high\"", problem.ToString());
    }

    [Fact]
    public void ToString_leaves_out_line_and_key_when_absent()
    {
        Assert.Equal("/etc/pgward.conf: \"node_id\": missing", new ConfigProblem("/etc/pgward.conf", 0, "node_id", "missing").ToString());
        Assert.Equal("pgward.conf:3: bad", new ConfigProblem("pgward.conf", 3, null, "bad").ToString());
    }
}
