using System.Security.Authentication;
using Pgward.Core.Config;
using Pgward.Core.Tls;

namespace Pgward.Cluster.Agents;

/// <summary>
/// Words for a failed call to an agent: a TLS handshake that failed says which agent, what was wrong and the fix
/// (unknown CA, expired, name mismatch, a plain-HTTP agent on an https:// URL and the reverse, a missing client
/// certificate); anything else is "unreachable" with the system's message.
/// </summary>
public static class AgentHttpErrors
{
    /// <param name="peer">What the caller calls: <c>agent</c>, or <c>backup server</c> for a backup server's endpoint.</param>
    public static string Describe(string url, HttpRequestException e, NodeOptions options, string peer = "agent")
    {
        var https = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        if (Find<PeerCertificateException>(e) is { } certificate)
        {
            return $"the certificate of the {peer} at {url} {certificate.Problem}: {certificate.Fix}";
        }
        if (https && Find<AuthenticationException>(e) is { } handshake)
        {
            return $"TLS handshake with the {peer} at {url} failed ({handshake.Message}): if that agent speaks plain HTTP, turn TLS on there "
                + "(agent_tls_cert_file and agent_tls_key_file) and restart it; if it requires client certificates, set agent_tls_cert_file "
                + "and agent_tls_key_file here to a certificate issued by its CA";
        }
        if (https && e.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.SecureConnectionError && Find<IOException>(e) is not null)
        {
            return options.AgentTlsCertFile.Length == 0
                ? $"the {peer} at {url} closed the TLS connection without an answer: it may require a client certificate "
                  + "(agent_tls_client_auth = require there); set agent_tls_cert_file and agent_tls_key_file here to a certificate issued by its CA"
                : $"the {peer} at {url} closed the TLS connection without an answer: it may refuse this node's client certificate "
                  + $"({options.AgentTlsCertFile}); it must be issued by the CA in that agent's agent_tls_ca_file";
        }
        if (!https && e.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            return $"the {peer} at {url} closed the connection without an HTTP answer: it probably speaks TLS. Its URL should be https://; "
                + "restart that agent so that it corrects its node record (pgward daemon stop/start there), then try again";
        }
        return $"{peer} at {url} unreachable: {e.Message}";
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }
        return null;
    }
}
