using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class NodeOptionsTests
{
    [Fact]
    public void ToString_masks_agent_token_and_conninfo_password()
    {
        var options = new NodeOptions
        {
            NodeId = 1,
            NodeName = "node1",
            Conninfo = "host=node1 user=pgward password='s3cret pw' dbname=pgward",
            AgentToken = "t0ken-value",
        };

        var text = options.ToString();

        Assert.DoesNotContain("t0ken-value", text);
        Assert.DoesNotContain("s3cret", text);
        Assert.Contains("agent_token = '********'", text);
        Assert.Contains("node_name = 'node1'", text);
    }

    [Fact]
    public void ToString_masks_password_in_connection_uri()
    {
        var text = new NodeOptions { Conninfo = "postgresql://pgward:hunter2@node1/pgward" }.ToString();

        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("conninfo = 'user=pgward password=***** host=node1 dbname=pgward'", text);
    }

    [Theory]
    [InlineData("host=node1 PASSWORD=hunter2")]
    [InlineData("host=node1 password='hunter2")]
    [InlineData("host=node1 password=hunter2 bad")]
    public void ToString_never_shows_a_conninfo_that_cannot_be_parsed(string conninfo)
    {
        var text = new NodeOptions { Conninfo = conninfo }.ToString();

        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("could not be parsed", text);
    }

    [Fact]
    public void Key_table_marks_agent_token_secret_and_names_each_key_once()
    {
        Assert.True(ConfigKeys.Find("agent_token")!.Secret);
        Assert.Equal(ConfigKeys.All.Count, ConfigKeys.All.Select(k => k.Name).Distinct().Count());
    }

    [Fact]
    public void Key_table_defaults_pass_their_own_validation()
    {
        var defaults = new NodeOptions();
        foreach (var key in ConfigKeys.All.Where(k => !k.Required))
        {
            Assert.True(key.TryApply(defaults, key.Format(defaults), out var same), key.Name);
            Assert.Equal(key.Format(defaults), key.Format(same));
        }
    }
}
