using System.Net.Security;
using Pgward.Core.Config;
using Pgward.Core.Tls;

namespace Pgward.Cluster.Agents;

/// <summary>
/// The one way this node calls agents (the CLI's <see cref="AgentClient"/> and the agents' failover transport alike):
/// an HTTP handler that verifies an agent's certificate against <c>agent_tls_ca_file</c> (or the system's CAs when it
/// is not set, through <see cref="SystemTrust"/>) and its name against the URL's host, and presents this node's own
/// certificate as client certificate when it has one. A certificate that fails throws <see cref="PeerCertificateException"/>
/// from the handshake, which <see cref="AgentHttpErrors"/> turns into a message naming the agent and the fix.
/// </summary>
public static class AgentHttp
{
    /// <summary>The handler; <paramref name="problem"/> says why this node's TLS files could not be read (the handler
    /// then has no client certificate and trusts nothing but the system's CAs: callers report the problem instead).</summary>
    public static SocketsHttpHandler CreateHandler(NodeOptions options, TimeSpan connectTimeout, TimeProvider time, out string? problem)
    {
        problem = null;
        var ssl = new SslClientAuthenticationOptions();
        if (options.AgentTlsCaFile.Length > 0)
        {
            var (authorities, caProblem) = TlsFiles.LoadAuthorities(options.AgentTlsCaFile);
            problem = caProblem;
            if (authorities is not null)
            {
                ssl.CertificateChainPolicy = PeerCertificates.TrustOnly(authorities);
            }
        }
        if (options.AgentTlsCertFile.Length > 0 && options.AgentTlsKeyFile.Length > 0)
        {
            var (certificate, certificateProblem) = TlsFiles.LoadCertificate(options.AgentTlsCertFile, options.AgentTlsKeyFile);
            problem ??= certificateProblem;
            if (certificate is not null)
            {
                ssl.ClientCertificates = [certificate];
            }
        }
        var trusted = options.AgentTlsCaFile.Length > 0
            ? $"the CA in agent_tls_ca_file ({options.AgentTlsCaFile})"
            : "a CA this host trusts (agent_tls_ca_file is not set: the system's CAs)";
        var systemTrust = ssl.CertificateChainPolicy is null;
        ssl.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            var (judged, judgedBy) = systemTrust ? SystemTrust.Rebuild(errors, chain, certificate) : (errors, chain);
            try
            {
                return PeerCertificates.Explain(judged, judgedBy, certificate, (sender as SslStream)?.TargetHostName, "agent_tls_ca_file",
                    time.GetUtcNow(), trusted) is { } failure
                    ? throw failure
                    : true;
            }
            finally
            {
                if (judgedBy != chain)
                {
                    judgedBy?.Dispose();
                }
            }
        };
        return new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
            SslOptions = ssl,
        };
    }
}
