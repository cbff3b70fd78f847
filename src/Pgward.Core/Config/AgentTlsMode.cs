namespace Pgward.Core.Config;

/// <summary>The <c>agent_tls</c> setting.</summary>
public enum AgentTlsMode
{
    /// <summary>Not set: TLS when <c>agent_tls_cert_file</c> is set, else plain HTTP, allowed on loopback only.</summary>
    Unset,
    /// <summary><c>on</c>: HTTPS; <c>agent_tls_cert_file</c> and <c>agent_tls_key_file</c> are required.</summary>
    On,
    /// <summary><c>off</c>, said in so many words: plain HTTP even on a non-loopback address, the token in clear text.</summary>
    Off,
}
