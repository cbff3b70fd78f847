using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Control;
using Pgward.Http;
using Pgward.Cluster.Agents;
using Pgward.Core;

namespace Pgward.Agent.Http;

/// <summary>
/// <c>POST /control/{action}</c>: authenticated with <c>Authorization: Bearer &lt;agent_token&gt;</c> before the body
/// is read; nothing is done without the right token. The action runs with the agent's lifetime token, not the
/// request's: a client that hangs up must not cut a pg_ctl stop in half.
/// </summary>
public sealed class ControlRoutes(string token, INodeControl control, ILogger logger, CancellationToken agentStopping)
{
    public void MapAll(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/control");
        Map(group, "stop", AgentJson.Context.StopRequest, new StopRequest(), (c, body, ct) => c.StopAsync(body, ct));
        Map(group, "start", (c, ct) => c.StartAsync(ct));
        Map(group, "restart", (c, ct) => c.RestartAsync(ct));
        Map(group, "promote", (c, ct) => c.PromoteAsync(ct));
        Map(group, "pause", (c, ct) => c.SetPausedAsync(paused: true, ct));
        Map(group, "unpause", (c, ct) => c.SetPausedAsync(paused: false, ct));
        Map(group, "follow", AgentJson.Context.FollowRequest, new FollowRequest(), (c, body, ct) => c.FollowAsync(body, ct));
        Map(group, "rejoin", AgentJson.Context.RejoinBody, new RejoinBody(), (c, body, ct) => c.RejoinAsync(body, ct));
        Map(group, "recover", AgentJson.Context.RecoverBody, new RecoverBody(), (c, body, ct) => c.RecoverAsync(body, ct));
        // Does nothing but authenticate: what a dry run asks of an agent it would act through.
        Map(group, "check", (_, _) => Task.FromResult(new ControlResponse(true, ExitCodes.Success)));
    }

    /// <summary>An action without a body.</summary>
    public void Map(IEndpointRouteBuilder group, string action, Func<INodeControl, CancellationToken, Task<ControlResponse>> run) =>
        group.MapPost("/" + action, (RequestDelegate)(async http =>
        {
            if (await AuthorizeAsync(http, action))
            {
                await AnswerAsync(http, await run(control, agentStopping));
            }
        }));

    /// <summary>An action with a JSON body; an empty body means <paramref name="empty"/>.</summary>
    public void Map<TBody>(IEndpointRouteBuilder group, string action, JsonTypeInfo<TBody> bodyType, TBody empty,
        Func<INodeControl, TBody, CancellationToken, Task<ControlResponse>> run) =>
        group.MapPost("/" + action, (RequestDelegate)(async http =>
        {
            if (!await AuthorizeAsync(http, action))
            {
                return;
            }
            TBody body;
            try
            {
                body = http.Request.ContentLength is 0 or null && !http.Request.Headers.TransferEncoding.Any()
                    ? empty
                    : await JsonSerializer.DeserializeAsync(http.Request.Body, bodyType, http.RequestAborted) ?? empty;
            }
            catch (JsonException e)
            {
                await AnswerAsync(http, new ControlResponse(false, ExitCodes.BadConfig, $"invalid request body: {e.Message}"),
                    StatusCodes.Status400BadRequest);
                return;
            }
            await AnswerAsync(http, await run(control, body, agentStopping));
        }));

    private async Task<bool> AuthorizeAsync(HttpContext http, string action)
    {
        var check = AgentToken.Check(token, http.Request.Headers.Authorization);
        if (check == TokenCheck.Valid)
        {
            return true;
        }
        AgentLog.ControlRefused(logger, "control " + action, http.Connection.RemoteIpAddress?.ToString() ?? "?", http.Request.Path, check.ToString());
        if (check == TokenCheck.Disabled)
        {
            await AnswerAsync(http, new ControlResponse(false, ExitCodes.AgentUnavailable, "control endpoints are disabled",
                "set agent_token in pgward.conf on this node (and the same token on the nodes that call it)"), StatusCodes.Status403Forbidden);
            return false;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await AnswerAsync(http, new ControlResponse(false, ExitCodes.AgentUnavailable,
            check == TokenCheck.Missing ? "missing bearer token" : "wrong token",
            "send \"Authorization: Bearer <agent_token>\" with the agent_token of this node's pgward.conf"), StatusCodes.Status401Unauthorized);
        return false;
    }

    // An action that ran and was refused or failed (a rejoin of a node that is not safe to rewind, a start that did not
    // come up) is an answer, not a fault of the agent: 409 Conflict with the reason in the body. A 500 is left to the
    // unexpected, an exception that escaped the action.
    private static Task AnswerAsync(HttpContext http, ControlResponse response, int? status = null)
    {
        http.Response.StatusCode = status ?? (response.Ok ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
        return http.Response.WriteAsJsonAsync(response, AgentJson.Context.ControlResponse, cancellationToken: http.RequestAborted);
    }
}
