using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Dashboard;

/// <summary>The dashboard's log lines (event IDs 3400-3409). The token is never logged.</summary>
public static partial class DashboardLog
{
    [LoggerMessage(3400, LogLevel.Information, "dashboard: {Action} requested from {Remote}")]
    public static partial void ActionStarted(ILogger logger, string action, string remote);

    [LoggerMessage(3401, LogLevel.Information, "dashboard: {Action} succeeded")]
    public static partial void ActionSucceeded(ILogger logger, string action);

    [LoggerMessage(3402, LogLevel.Error, "dashboard: {Action} failed: {Error}")]
    public static partial void ActionFailed(ILogger logger, string action, string error);

    [LoggerMessage(3403, LogLevel.Warning, "dashboard: {Request} refused from {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, string request, string remote, string reason);
}
