using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Http;

namespace Pgward.Agent.Dashboard;

/// <summary>
/// The web dashboard: the page at <c>/</c> for a browser (<c>Accept: text/html</c>; HAProxy's checks of <c>/</c> still
/// get the primary health check) and at <c>/dashboard</c>, its state at <c>GET /dashboard/state</c> (polled every
/// second), and its actions <c>POST /dashboard/switchover</c>, <c>/dashboard/pause</c> and <c>/dashboard/unpause</c>.
/// Who may do what: <see cref="DashboardAccess"/>.
/// </summary>
public static class DashboardRoutes
{
    // The page loads nothing from elsewhere and runs no inline script: a node name that slipped into markup could not run.
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>How long the refreshes' connections stay open after their last use: 10 s. An open page refreshes every
    /// second, so that while one is open a refresh opens no connection (it opened seven a second without); once the
    /// last page closes, they close within this time and its half.</summary>
    public static readonly TimeSpan KeepConnections = TimeSpan.FromSeconds(10);

    /// <summary>Maps the routes; returns the refreshes' own connector (<see cref="KeepConnections"/>), for the agent to
    /// dispose when it stops.</summary>
    public static DbConnector Map(WebApplication app, OperationContext ctx, AgentClient agents, ILogger logger, CancellationToken agentStopping)
    {
        var options = ctx.Options;
        // Not the agent's connector: that one never pools (its operations must see a server's failure at once). A kept
        // connection whose server died fails its first query instead of its connect; the page shows that node's agent's
        // word for that one refresh (DashboardShaper.LiveRole) and the next refresh connects anew.
        var db = new DbConnector(KeepConnections);
        var reading = new OperationContext(options, ctx.Reporter, db, ctx.Processes, ctx.Events, ctx.Time);
        var gatherer = new DashboardGatherer(reading, agents, ctx.Time);
        var cache = new DashboardStateCache(async ct => DashboardShaper.Shape(await gatherer.GatherAsync(ct)), ctx.Time, agentStopping);
        var actions = new DashboardActions(ctx, logger, agentStopping);

        // Before the health check mapped at "/": a browser asking for a page gets the page.
        app.Use((http, next) => IsPageRequest(http.Request) ? ServeAsync(http, "index.html") : next(http));
        app.MapGet("/dashboard", (RequestDelegate)(http => ServeAsync(http, "index.html")));
        foreach (var name in DashboardAssets.Files.Keys)
        {
            app.MapGet("/dashboard/" + name, (RequestDelegate)(http => ServeAsync(http, name)));
        }
        app.MapGet("/dashboard/state", (RequestDelegate)(async http =>
        {
            if (await RefuseAsync(http, options, action: false, logger))
            {
                return;
            }
            var state = await cache.GetAsync(http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            if (state is null)
            {
                await WriteAsync(http, StatusCodes.Status503ServiceUnavailable, new DashboardRefusal(503, "the agent is still gathering the cluster's state",
                    "the page asks again in a second"), DashboardJson.Context.DashboardRefusal);
                return;
            }
            await WriteAsync(http, StatusCodes.Status200OK, state, DashboardJson.Context.DashboardState);
        }));
        app.MapPost("/dashboard/switchover", (RequestDelegate)(async http =>
        {
            if (await RefuseAsync(http, options, action: true, logger))
            {
                return;
            }
            var request = await ReadAsync(http);
            if (request?.Candidate is not { Length: > 0 and <= 200 } candidate)
            {
                await WriteAsync(http, StatusCodes.Status400BadRequest, new DashboardRefusal(400, "no candidate named",
                    "send {\"candidate\": \"<node name or ID>\"}"), DashboardJson.Context.DashboardRefusal);
                return;
            }
            await AnswerAsync(http, await actions.SwitchoverAsync(candidate, Remote(http)));
        }));
        foreach (var paused in new[] { true, false })
        {
            app.MapPost(paused ? "/dashboard/pause" : "/dashboard/unpause", (RequestDelegate)(async http =>
            {
                if (!await RefuseAsync(http, options, action: true, logger))
                {
                    await AnswerAsync(http, await actions.SetPausedAsync(paused, Remote(http)));
                }
            }));
        }
        return db;
    }

    /// <summary>A browser's GET of <c>/</c>: it asks for HTML. HAProxy's <c>option httpchk</c> (OPTIONS or GET without
    /// such an Accept) and every other health check client keep Patroni's meaning of <c>/</c>.</summary>
    public static bool IsPageRequest(HttpRequest request) =>
        request.Path == "/" && HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static async Task ServeAsync(HttpContext http, string name)
    {
        var bytes = DashboardAssets.Read(name);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = DashboardAssets.Files[name];
        http.Response.ContentLength = bytes.Length;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    /// <summary>Answers the refusal and returns true when <see cref="DashboardAccess"/> refuses the request. An action
    /// must also come as JSON: a form on another site cannot send that without the browser asking this agent first
    /// (CORS), which it never allows, so a browser that presents a client certificate by itself cannot be made to act.</summary>
    private static async Task<bool> RefuseAsync(HttpContext http, NodeOptions options, bool action, ILogger logger)
    {
        var certificate = options.AgentTlsClientAuth == AgentTlsClientAuth.Require && http.Connection.ClientCertificate is not null;
        var refusal = DashboardAccess.Check(options.AgentDashboard, action, AgentToken.Check(options.AgentToken, http.Request.Headers.Authorization),
            certificate);
        if (refusal is null && action && !IsJson(http.Request))
        {
            refusal = new DashboardRefusal(415, "an action must be sent as application/json", "use the dashboard's buttons");
        }
        if (refusal is null)
        {
            return false;
        }
        DashboardLog.Refused(logger, http.Request.Path, Remote(http), refusal.Error);
        if (refusal.Status == StatusCodes.Status401Unauthorized)
        {
            // Not "Bearer": that would make a browser offer its own login box instead of the page's token field.
            http.Response.Headers.WWWAuthenticate = "PgwardToken";
        }
        await WriteAsync(http, refusal.Status, refusal, DashboardJson.Context.DashboardRefusal);
        return true;
    }

    private static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static string Remote(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "?";

    private static async Task<DashboardActionRequest?> ReadAsync(HttpContext http)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, DashboardJson.Context.DashboardActionRequest, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task AnswerAsync(HttpContext http, DashboardActionResult result) =>
        WriteAsync(http, result.Ok ? StatusCodes.Status200OK : StatusCodes.Status409Conflict, result, DashboardJson.Context.DashboardActionResult);

    private static Task WriteAsync<T>(HttpContext http, int status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body, type, cancellationToken: http.RequestAborted);
    }
}
