namespace Pgward.Core.Config;

/// <summary>The <c>metrics_auth</c> setting: who may read <c>/metrics</c>.</summary>
public enum MetricsAuth
{
    /// <summary>Only a caller that sends <c>Authorization: Bearer &lt;agent_token&gt;</c> (the default).</summary>
    Token,
    /// <summary>Anyone who reaches the agent's port (and passes its TLS client-certificate check, where that is on).</summary>
    None,
}
