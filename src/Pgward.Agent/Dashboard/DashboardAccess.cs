using Pgward.Core.Config;
using Pgward.Http;

namespace Pgward.Agent.Dashboard;

/// <summary>Who may read the dashboard's state and who may act through it. Pure.</summary>
public static class DashboardAccess
{
    /// <summary>
    /// Null when the request may go on, else why not. Reading needs nothing under <c>agent_dashboard = public</c>;
    /// otherwise reading and every action need the agent token, or a client certificate that TLS already verified
    /// against <c>agent_tls_ca_file</c> (<paramref name="verifiedClientCertificate"/>: only under
    /// <c>agent_tls_client_auth = require</c>, where Kestrel refuses a connection without one).
    /// </summary>
    public static DashboardRefusal? Check(AgentDashboardMode mode, bool action, TokenCheck token, bool verifiedClientCertificate)
    {
        if (!action && mode == AgentDashboardMode.Public || token == TokenCheck.Valid || verifiedClientCertificate)
        {
            return null;
        }
        var what = action ? "this action" : "the dashboard";
        var enter = action ? "enter the agent_token of this node's pgward.conf"
            : "enter the agent_token of this node's pgward.conf, or set agent_dashboard = public there to show the state without one";
        return token switch
        {
            TokenCheck.Disabled => new DashboardRefusal(403, $"{what} needs agent_token, and none is set on this node",
                action ? "set agent_token in pgward.conf on every node, and restart the agents"
                    : "set agent_token in pgward.conf on every node, or agent_dashboard = public to show the state to anyone who reaches the agent"),
            TokenCheck.Missing => new DashboardRefusal(401, $"{what} needs the agent token", enter),
            _ => new DashboardRefusal(401, "wrong token", enter),
        };
    }
}
