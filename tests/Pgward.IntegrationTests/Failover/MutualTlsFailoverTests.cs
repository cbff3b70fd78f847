using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>Automatic failover when every agent requires a client certificate: the agents' heartbeats and votes travel
/// with mutual TLS (each presents its node's certificate), on top of the token.</summary>
public sealed class MutualTlsFailoverTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Host_death_of_the_primary_promotes_a_standby_when_agents_require_client_certificates()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token, "agent_tls_client_auth = require");
        await using var load = await WriteLoad.StartAsync(cluster.Sandbox.MultiHostConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.Agents.KillAsync(1);
        await cluster.Sandbox.KillPostmasterAsync(1, Token);
        var primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        await cluster.WaitForStandbyAsync(primary == 2 ? 3 : 2, primary, TimeSpan.FromSeconds(30), Token);

        var result = await load.StopAsync();
        Assert.Empty(result.InterleavedPrimaries());
        // No agent refused another's certificate or token, and none failed a handshake with a peer.
        var logs = cluster.Agents.Logs();
        Assert.DoesNotContain("client certificate for", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("refused from", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("TLS connection", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("the certificate of the agent", logs, StringComparison.Ordinal);
    }
}
