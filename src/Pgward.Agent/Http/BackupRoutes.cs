using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Backups;
using Pgward.Http;
using Pgward.Backup.Files;

namespace Pgward.Agent.Http;

/// <summary>
/// The backup sessions a backup server drives to take a files backup of this node, all <c>POST</c> with
/// <c>Authorization: Bearer &lt;agent_token&gt;</c>: <c>/backup/start</c> (<see cref="SessionStartRequest"/>, answers
/// <see cref="SessionStartReply"/>), <c>/backup/{session}/files</c> (<see cref="FetchRequest"/>, answers the frames of
/// <see cref="FrameTag"/>; the backup server sends several at once for <c>parallel_jobs</c>),
/// <c>/backup/{session}/stop</c> (answers <see cref="SessionStopReply"/>) and <c>/backup/{session}/abort</c>.
/// Errors answer <see cref="SessionError"/>: 401/403 for the token, 404 for an unknown session, 409 when PostgreSQL refused.
/// </summary>
public static class BackupRoutes
{
    public static void Map(IEndpointRouteBuilder app, string token, BackupSessions sessions, ILogger logger)
    {
        var group = app.MapGroup("/backup");
        group.MapPost("/start", (RequestDelegate)(async http =>
        {
            if (!await AuthorizeAsync(http, token, logger))
            {
                return;
            }
            var request = await ReadAsync(http, FilesJson.Context.SessionStartRequest);
            if (request is null || request.Label.Length is 0 or > 200 || request.Label.Any(char.IsControl))
            {
                await AnswerAsync(http, StatusCodes.Status400BadRequest, new SessionError("expected {\"label\": \"...\"}: 1 to 200 printable characters"));
                return;
            }
            var (reply, error) = await sessions.StartAsync(request.Label, request.Jobs, http.RequestAborted);
            if (reply is null)
            {
                await AnswerAsync(http, StatusCodes.Status409Conflict, error!);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
            await http.Response.WriteAsJsonAsync(reply, FilesJson.Context.SessionStartReply, cancellationToken: http.RequestAborted);
        }));
        group.MapPost("/{session}/files", (RequestDelegate)(http => FilesAsync(http, token, sessions, logger)));
        group.MapPost("/{session}/stop", (RequestDelegate)(async http =>
        {
            if (!await AuthorizeAsync(http, token, logger))
            {
                return;
            }
            var (reply, error) = await sessions.StopAsync(SessionOf(http), http.RequestAborted);
            if (reply is null)
            {
                await AnswerAsync(http, StatusCodes.Status409Conflict, error!);
                return;
            }
            await http.Response.WriteAsJsonAsync(reply, FilesJson.Context.SessionStopReply, cancellationToken: http.RequestAborted);
        }));
        group.MapPost("/{session}/abort", (RequestDelegate)(async http =>
        {
            if (await AuthorizeAsync(http, token, logger))
            {
                var ended = sessions.Abort(SessionOf(http), "the backup server gave up");
                http.Response.StatusCode = ended ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound;
            }
        }));
    }

    private static async Task FilesAsync(HttpContext http, string token, BackupSessions sessions, ILogger logger)
    {
        if (!await AuthorizeAsync(http, token, logger))
        {
            return;
        }
        var session = sessions.Enter(SessionOf(http));
        if (session is null)
        {
            await AnswerAsync(http, StatusCodes.Status404NotFound, new SessionError($"no backup session {SessionOf(http)}: it ended or was aborted"));
            return;
        }
        try
        {
            var request = await ReadAsync(http, FilesJson.Context.FetchRequest);
            // Only what the session listed: the token holder gets the data directory's files, not any path on the host.
            var unlisted = request?.Files.FirstOrDefault(f => !session.Files.Contains(f.Path));
            if (request is null || unlisted is not null)
            {
                await AnswerAsync(http, StatusCodes.Status400BadRequest, new SessionError(unlisted is null
                    ? "expected {\"files\": [...]}"
                    : $"\"{unlisted.Path}\" is not a file this backup session listed"));
                return;
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/octet-stream";
            await using var output = new BufferedStream(http.Response.Body, 1 << 18);
            var writer = new FrameWriter(output);
            try
            {
                foreach (var item in request.Files)
                {
                    await FileSender.SendAsync(writer, Path.Combine(sessions.DataDirectory, item.Path), item, session.Compressor, http.RequestAborted);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !http.RequestAborted.IsCancellationRequested)
            {
                BackupSessionLog.Failed(logger, e.Message);
                await writer.FailedAsync(e.Message, http.RequestAborted);
            }
            await output.FlushAsync(http.RequestAborted);
        }
        finally
        {
            sessions.Leave(session);
        }
    }

    private static string SessionOf(HttpContext http) => (string)http.Request.RouteValues["session"]!;

    private static async Task<T?> ReadAsync<T>(HttpContext http, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<bool> AuthorizeAsync(HttpContext http, string token, ILogger logger)
    {
        var check = AgentToken.Check(token, http.Request.Headers.Authorization);
        if (check == TokenCheck.Valid)
        {
            return true;
        }
        AgentLog.ControlRefused(logger, "backup", http.Connection.RemoteIpAddress?.ToString() ?? "?", http.Request.Path, check.ToString());
        if (check == TokenCheck.Disabled)
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, new SessionError("backup sessions are disabled on this node",
                "set agent_token in pgward.conf on this node (and the same token on the backup server)"));
            return false;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await AnswerAsync(http, StatusCodes.Status401Unauthorized, new SessionError(check == TokenCheck.Missing ? "missing bearer token" : "wrong token",
            "the backup server must send the agent_token of this node's pgward.conf"));
        return false;
    }

    private static Task AnswerAsync(HttpContext http, int status, SessionError error)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(error, FilesJson.Context.SessionError, cancellationToken: http.RequestAborted);
    }
}
