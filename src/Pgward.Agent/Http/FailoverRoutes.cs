using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Pgward.Http;
using Pgward.Agent.Failover;

namespace Pgward.Agent.Http;

/// <summary>
/// <c>POST /failover/message</c>: heartbeats, votes and their replies from the other voters' agents, authenticated
/// with the agent token like the control endpoints. The message is queued for the failover loop and answered 202 at
/// once, and replies travel as messages of their own; except for a sender that takes the reply in the response
/// (<see cref="FailoverTransport.InlineReplyHeader"/>): it gets 200 with the loop's reply to a heartbeat as the body (a
/// <see cref="FailoverEnvelope"/>), or 202 when the loop has none for it (yet).
/// </summary>
public static class FailoverRoutes
{
    public static void Map(IEndpointRouteBuilder app, string token, FailoverDriver driver, ILogger logger) =>
        app.MapPost("/failover/message", (RequestDelegate)(async http =>
        {
            if (AgentToken.Check(token, http.Request.Headers.Authorization) is var check and not TokenCheck.Valid)
            {
                AgentLog.ControlRefused(logger, "failover message", http.Connection.RemoteIpAddress?.ToString() ?? "?", http.Request.Path, check.ToString());
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            FailoverEnvelope? envelope;
            try
            {
                envelope = await JsonSerializer.DeserializeAsync(http.Request.Body, FailoverJson.Default.FailoverEnvelope, http.RequestAborted);
            }
            catch (JsonException)
            {
                envelope = null;
            }
            if (envelope?.Message is null)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            if (http.Request.Headers[FailoverTransport.InlineReplyHeader] != FailoverTransport.InlineReplyValue)
            {
                // 503 when failover is off here: the sender's log then names this agent as not taking part.
                http.Response.StatusCode = driver.Deliver(envelope.From, envelope.Message) ? StatusCodes.Status202Accepted : StatusCodes.Status503ServiceUnavailable;
                return;
            }
            var (accepted, reply) = await driver.DeliverForReplyAsync(envelope.From, envelope.Message, http.RequestAborted);
            if (reply is null)
            {
                http.Response.StatusCode = accepted ? StatusCodes.Status202Accepted : StatusCodes.Status503ServiceUnavailable;
                return;
            }
            var body = JsonSerializer.SerializeToUtf8Bytes(reply, FailoverJson.Default.FailoverEnvelope);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }));
}
