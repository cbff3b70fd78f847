using Pgward.Cluster;
using Pgward.Core.Config;
using Pgward.Core.Tls;
using Xunit;

namespace Pgward.UnitTests.Tls;

/// <summary>When the agents speak TLS, and the two refusals that keep the token off a network in clear text.</summary>
public sealed class AgentTlsRulesTests
{
    private static readonly NodeOptions Plain = new() { AgentAddress = "127.0.0.1", AgentPort = 8008 };
    private static readonly NodeOptions WithCertificate = Plain with { AgentTlsCertFile = "/etc/pgward/node.crt", AgentTlsKeyFile = "/etc/pgward/node.key" };

    [Fact]
    public void Tls_is_on_when_set_or_when_a_certificate_is_given_and_it_is_not_turned_off()
    {
        Assert.False(AgentTlsRules.IsOn(Plain));
        Assert.True(AgentTlsRules.IsOn(WithCertificate));
        Assert.True(AgentTlsRules.IsOn(Plain with { AgentTls = AgentTlsMode.On }));
        Assert.False(AgentTlsRules.IsOn(WithCertificate with { AgentTls = AgentTlsMode.Off }));
    }

    [Fact]
    public void The_agent_url_is_https_with_tls_and_http_without()
    {
        Assert.Equal("http://127.0.0.1:8008", NodeRecords.AgentUrl(Plain));
        Assert.Equal("https://10.0.0.2:8008", NodeRecords.AgentUrl(WithCertificate with { AgentAddress = "10.0.0.2" }));
        Assert.Equal("https://[fd00::2]:8008", NodeRecords.AgentUrl(WithCertificate with { AgentAddress = "fd00::2" }));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.1.5", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("10.0.0.2", false)]
    [InlineData("db2.example", false)]
    public void Loopback_is_localhost_and_loopback_addresses_only(string host, bool loopback) =>
        Assert.Equal(loopback, AgentTlsRules.IsLoopback(host));

    [Fact]
    public void Agent_refuses_plain_http_on_a_non_loopback_address_naming_the_setting_and_both_fixes()
    {
        var refusal = AgentTlsRules.ListenRefusal(Plain with { AgentAddress = "0.0.0.0" });

        Assert.NotNull(refusal);
        Assert.Contains("0.0.0.0", refusal, StringComparison.Ordinal);
        Assert.Contains("agent_tls_cert_file and agent_tls_key_file", refusal, StringComparison.Ordinal);
        Assert.Contains("agent_tls = off", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_listens_on_loopback_in_plain_http_with_tls_anywhere_and_anywhere_when_tls_is_off_in_so_many_words()
    {
        Assert.Null(AgentTlsRules.ListenRefusal(Plain));
        Assert.Null(AgentTlsRules.ListenRefusal(WithCertificate with { AgentAddress = "10.0.0.2" }));
        Assert.Null(AgentTlsRules.ListenRefusal(Plain with { AgentAddress = "10.0.0.2", AgentTls = AgentTlsMode.Off }));
    }

    [Fact]
    public void Token_is_not_sent_over_http_to_a_non_loopback_address_unless_tls_is_off()
    {
        var refusal = AgentTlsRules.SendRefusal(new Uri("http://10.0.0.2:8008/control/stop"), Plain);

        Assert.NotNull(refusal);
        Assert.Contains("http://10.0.0.2:8008", refusal, StringComparison.Ordinal);
        Assert.Contains("agent_tls = off", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("/control/stop", refusal, StringComparison.Ordinal);
        Assert.Null(AgentTlsRules.SendRefusal(new Uri("http://10.0.0.2:8008/"), Plain with { AgentTls = AgentTlsMode.Off }));
        Assert.Null(AgentTlsRules.SendRefusal(new Uri("https://10.0.0.2:8008/"), Plain));
        Assert.Null(AgentTlsRules.SendRefusal(new Uri("http://127.0.0.1:8008/"), Plain));
        Assert.Null(AgentTlsRules.SendRefusal(new Uri("http://[::1]:8008/"), Plain));
    }
}
