using Pgward.Cluster.Agents;
using Pgward.Core.Config;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>The test's own client of agents that speak TLS: the token it sends, the CA it verifies them against, and
/// optionally a client certificate.</summary>
public static class TestAgentClient
{
    public static AgentClient Create(string token, string caFile, string certFile = "", string keyFile = "") =>
        new(new NodeOptions { AgentToken = token, AgentTlsCaFile = caFile, AgentTlsCertFile = certFile, AgentTlsKeyFile = keyFile },
            TimeProvider.System);
}
