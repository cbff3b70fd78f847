using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Cluster.Backups;
using Pgward.Http;

namespace Pgward.Backup.Http;

/// <summary>
/// Every route of the backup server's endpoint serves the cluster's data (WAL, whole backups): each request carries the
/// cluster's <c>agent_token</c> as <c>Authorization: Bearer</c>, or is refused with 401 and says how to fix it.
/// </summary>
public static partial class EndpointAuth
{
    /// <summary>True when the request may go on; otherwise the refusal has been answered and logged.</summary>
    public static async Task<bool> AuthorizeAsync(HttpContext http, string token, ILogger logger)
    {
        var check = AgentToken.Check(token, http.Request.Headers.Authorization);
        if (check == TokenCheck.Valid)
        {
            return true;
        }
        Refused(logger, http.Connection.RemoteIpAddress?.ToString() ?? "?", http.Request.Path, check.ToString());
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await AnswerErrorAsync(http, StatusCodes.Status401Unauthorized,
            check == TokenCheck.Missing ? "missing bearer token" : "wrong token",
            "send \"Authorization: Bearer <agent_token>\" with the cluster's agent_token, the one in the backup server's pgward.conf");
        return false;
    }

    /// <summary>Answers <paramref name="status"/> with an <see cref="EndpointError"/> body.</summary>
    public static Task AnswerErrorAsync(HttpContext http, int status, string error, string? hint = null)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new EndpointError(error, hint), BackupEndpointJson.Default.EndpointError, cancellationToken: http.RequestAborted);
    }

    [LoggerMessage(3101, LogLevel.Warning, "refused a request from {Peer} for {Path}: {Reason} token")]
    private static partial void Refused(ILogger logger, string peer, string path, string reason);
}
