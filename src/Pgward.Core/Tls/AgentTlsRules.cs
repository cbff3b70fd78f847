using System.Net;
using Pgward.Core.Config;

namespace Pgward.Core.Tls;

/// <summary>
/// What the <c>agent_tls*</c> settings mean, as pure decisions: whether the agents speak TLS, which settings go
/// together, and the two refusals that keep the token off a network in clear text: an agent does not listen on a
/// non-loopback address without TLS, and nobody sends the token over <c>http://</c> to a non-loopback address, unless
/// <c>agent_tls = off</c> is written in pgward.conf.
/// </summary>
public static class AgentTlsRules
{
    /// <summary>True when the agent serves HTTPS and its URL is <c>https://</c>: <c>agent_tls = on</c>, or not set and
    /// <c>agent_tls_cert_file</c> set.</summary>
    public static bool IsOn(NodeOptions options) =>
        options.AgentTls == AgentTlsMode.On || (options.AgentTls == AgentTlsMode.Unset && options.AgentTlsCertFile.Length > 0);

    /// <summary>The scheme of this node's agent URL: <c>https</c> when <see cref="IsOn"/>, else <c>http</c>.</summary>
    public static string Scheme(NodeOptions options) => IsOn(options) ? "https" : "http";

    /// <summary>Config rule: <c>agent_tls = on</c> without a certificate or a key.</summary>
    public static string? MissingCertificate(NodeOptions options) =>
        options.AgentTls == AgentTlsMode.On && (options.AgentTlsCertFile.Length == 0 || options.AgentTlsKeyFile.Length == 0)
            ? "agent_tls = on needs agent_tls_cert_file and agent_tls_key_file (the agent's PEM certificate and key); set both, or set agent_tls = off"
            : null;

    /// <summary>Config rule: a certificate without its key, or a key without its certificate.</summary>
    public static string? HalfAPair(NodeOptions options) =>
        (options.AgentTlsCertFile.Length == 0) != (options.AgentTlsKeyFile.Length == 0)
            ? "agent_tls_cert_file and agent_tls_key_file go together: set both (the certificate and its private key) or neither"
            : null;

    /// <summary>Config rule: client certificates required without TLS or without the CA to verify them against.</summary>
    public static string? ClientAuthWithoutCa(NodeOptions options) =>
        options.AgentTlsClientAuth != AgentTlsClientAuth.Require ? null
        : !IsOn(options) ? "agent_tls_client_auth = require needs TLS: set agent_tls_cert_file and agent_tls_key_file (and agent_tls = on)"
        : options.AgentTlsCaFile.Length == 0 ? "agent_tls_client_auth = require needs agent_tls_ca_file, the CA the callers' certificates are verified against"
        : null;

    /// <summary>Why the agent must not listen on <c>agent_address</c> in plain HTTP, or null when it may.</summary>
    public static string? ListenRefusal(NodeOptions options) =>
        IsOn(options) || options.AgentTls == AgentTlsMode.Off || IsLoopback(options.AgentAddress)
            ? null
            : $"the agent would listen on {options.AgentAddress}, not a loopback address, in plain HTTP: its token would cross the "
              + "network in clear text. Set agent_tls_cert_file and agent_tls_key_file (TLS), or write agent_tls = off in pgward.conf "
              + "to accept plain HTTP";

    /// <summary>Why a request carrying the token must not go to <paramref name="url"/>, or null when it may: plain HTTP
    /// to a host that is not loopback, unless this node's <c>agent_tls = off</c>.</summary>
    public static string? SendRefusal(Uri url, NodeOptions options) =>
        url.Scheme != Uri.UriSchemeHttp || options.AgentTls == AgentTlsMode.Off || IsLoopback(url.IdnHost)
            ? null
            : $"refusing to send the agent token in clear text to {url.GetLeftPart(UriPartial.Authority)} (plain HTTP to a non-loopback address): "
              + "turn TLS on for that agent (agent_tls_cert_file and agent_tls_key_file there; its URL becomes https:// when it restarts), "
              + "or write agent_tls = off in this node's pgward.conf to accept plain HTTP";

    /// <summary>True for <c>localhost</c> and loopback addresses (127.0.0.0/8, ::1); a wildcard address is not.</summary>
    public static bool IsLoopback(string host)
    {
        var bare = host.Trim('[', ']');
        return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
    }
}
