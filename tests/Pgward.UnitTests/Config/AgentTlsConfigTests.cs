using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

/// <summary>The <c>agent_tls*</c> settings as pgward.conf gives them, and the rules between them.</summary>
public sealed class AgentTlsConfigTests
{
    private const string Required = """
        node_id = 1
        node_name = 'node1'
        conninfo = 'host=node1 dbname=pgward user=pgward connect_timeout=2'
        data_directory = '/var/lib/postgresql/15/main'

        """;

    private static ConfigLoadResult Bind(string extra) => ConfigBinderTests.Bind(Required + extra);

    private static string Errors(ConfigLoadResult result) => string.Join("\n", result.Errors);

    [Fact]
    public void Defaults_are_unset_tls_without_files_and_no_client_certificates()
    {
        var options = Bind("").Options!;

        Assert.Equal(AgentTlsMode.Unset, options.AgentTls);
        Assert.Equal(("", "", ""), (options.AgentTlsCertFile, options.AgentTlsKeyFile, options.AgentTlsCaFile));
        Assert.Equal(AgentTlsClientAuth.None, options.AgentTlsClientAuth);
    }

    [Fact]
    public void All_keys_bind_to_their_options()
    {
        var result = Bind("""
            agent_tls = on
            agent_tls_cert_file = '/etc/pgward/node.crt'
            agent_tls_key_file = '/etc/pgward/node.key'
            agent_tls_ca_file = '/etc/pgward/ca.crt'
            agent_tls_client_auth = require
            """);

        Assert.True(result.Succeeded, Errors(result));
        var o = result.Options!;
        Assert.Equal((AgentTlsMode.On, "/etc/pgward/node.crt", "/etc/pgward/node.key", "/etc/pgward/ca.crt", AgentTlsClientAuth.Require),
            (o.AgentTls, o.AgentTlsCertFile, o.AgentTlsKeyFile, o.AgentTlsCaFile, o.AgentTlsClientAuth));
    }

    [Fact]
    public void Tls_on_without_certificate_and_key_is_an_error_naming_both_keys()
    {
        var result = Bind("agent_tls = on\n");

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Errors);
        Assert.Equal("agent_tls", problem.Key);
        Assert.Contains("agent_tls_cert_file and agent_tls_key_file", problem.Message, StringComparison.Ordinal);
        Assert.Equal(5, problem.Line);
    }

    [Fact]
    public void Certificate_without_its_key_is_an_error()
    {
        var result = Bind("agent_tls_cert_file = '/etc/pgward/node.crt'\n");

        var problem = Assert.Single(result.Errors);
        Assert.Equal("agent_tls_cert_file", problem.Key);
        Assert.Contains("go together", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_auth_require_needs_the_ca_file()
    {
        var result = Bind("""
            agent_tls_cert_file = '/etc/pgward/node.crt'
            agent_tls_key_file = '/etc/pgward/node.key'
            agent_tls_client_auth = require
            """);

        var problem = Assert.Single(result.Errors);
        Assert.Equal("agent_tls_client_auth", problem.Key);
        Assert.Contains("needs agent_tls_ca_file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_auth_require_needs_tls()
    {
        var result = Bind("agent_tls_ca_file = '/etc/pgward/ca.crt'\nagent_tls_client_auth = require\n");

        var problem = Assert.Single(result.Errors);
        Assert.Contains("needs TLS", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent_tls = maybe", "agent_tls")]
    [InlineData("agent_tls_client_auth = optional", "agent_tls_client_auth")]
    [InlineData("agent_tls_cert_file = 'node.crt'", "agent_tls_cert_file")]
    public void Bad_values_are_errors_of_their_key_only(string line, string key)
    {
        var result = Bind(line + "\n");

        Assert.Equal(key, Assert.Single(result.Errors).Key);
    }
}
