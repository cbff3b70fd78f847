using Pgward.Core.Config;
using Pgward.UnitTests.Config;
using Xunit;

namespace Pgward.UnitTests.Agent.Dashboard;

/// <summary><c>agent_dashboard</c> as pgward.conf gives it.</summary>
public sealed class DashboardConfigTests
{
    private const string Required = """
        node_id = 1
        node_name = 'node1'
        conninfo = 'host=node1 dbname=pgward user=pgward connect_timeout=2'
        data_directory = '/var/lib/postgresql/15/main'

        """;

    [Fact]
    public void Default_is_token() =>
        Assert.Equal(AgentDashboardMode.Token, ConfigBinderTests.Bind(Required).Options!.AgentDashboard);

    [Theory]
    [InlineData("token", AgentDashboardMode.Token)]
    [InlineData("public", AgentDashboardMode.Public)]
    [InlineData("'public'", AgentDashboardMode.Public)]
    public void Binds_token_and_public(string value, AgentDashboardMode expected)
    {
        var result = ConfigBinderTests.Bind(Required + $"agent_dashboard = {value}\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Options!.AgentDashboard);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("yes")]
    [InlineData("''")]
    public void Another_value_is_an_error_naming_the_key_and_the_values_allowed(string value)
    {
        var result = ConfigBinderTests.Bind(Required + $"agent_dashboard = {value}\n");

        Assert.False(result.Succeeded);
        var error = string.Join("\n", result.Errors);
        Assert.Contains("agent_dashboard", error, StringComparison.Ordinal);
        Assert.Contains("public", error, StringComparison.Ordinal);
    }
}
