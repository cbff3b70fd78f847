namespace Pgward.Core.Config;

/// <summary>The <c>agent_tls_client_auth</c> setting.</summary>
public enum AgentTlsClientAuth
{
    /// <summary>Callers are not asked for a certificate; the token alone authorizes control requests.</summary>
    None,
    /// <summary>Every caller presents a certificate issued by <c>agent_tls_ca_file</c>, on top of the token.</summary>
    Require,
}
