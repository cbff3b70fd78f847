namespace Pgward.Core.Config;

/// <summary>The <c>agent_dashboard</c> setting: who may read the agent's web dashboard.</summary>
public enum AgentDashboardMode
{
    /// <summary><c>token</c>: the page asks for <c>agent_token</c> (or a client certificate under
    /// <c>agent_tls_client_auth = require</c>) before it shows anything.</summary>
    Token,
    /// <summary><c>public</c>: anyone who reaches the agent sees the cluster's state; actions still need the token.</summary>
    Public,
}
