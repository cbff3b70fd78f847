using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pgward.Core.Config;

namespace Pgward.Http.Metrics;

/// <summary>
/// <c>GET /metrics</c> on a daemon's endpoint (a node agent's, the backup server's): the Prometheus text format, behind the
/// agent token unless <c>metrics_auth = none</c>. Prometheus sends the token with <c>authorization: {type: Bearer,
/// credentials_file: ...}</c> in its scrape config (docs/monitoring.md).
/// </summary>
public static class MetricsRoute
{
    public const string Path = "/metrics";

    public static void Map(IEndpointRouteBuilder app, string token, MetricsAuth auth, PrometheusExport export) =>
        app.MapGet(Path, (RequestDelegate)(async http =>
        {
            if (Refusal(token, auth, http.Request.Headers.Authorization) is { } refused)
            {
                http.Response.StatusCode = refused.Status;
                if (refused.Status == StatusCodes.Status401Unauthorized)
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                }
                await http.Response.WriteAsync(refused.Message + "\n", http.RequestAborted);
                return;
            }
            http.Response.ContentType = PrometheusExport.ContentType;
            await export.WriteAsync(http.Response.Body, http.RequestAborted);
        }));

    /// <summary>Why a scrape with this <c>Authorization</c> header is refused (status and message), or null when it is served.</summary>
    public static (int Status, string Message)? Refusal(string token, MetricsAuth auth, string? authorization) =>
        auth == MetricsAuth.None ? null : AgentToken.Check(token, authorization) switch
        {
            TokenCheck.Valid => null,
            TokenCheck.Disabled => (StatusCodes.Status403Forbidden,
                "metrics need the agent token and none is set: set agent_token in pgward.conf (and send it as a bearer token), or metrics_auth = none"),
            TokenCheck.Missing => (StatusCodes.Status401Unauthorized, "missing bearer token: send \"Authorization: Bearer <agent_token>\", or set metrics_auth = none"),
            _ => (StatusCodes.Status401Unauthorized, "wrong token"),
        };
}
