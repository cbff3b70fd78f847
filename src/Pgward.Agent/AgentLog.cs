using Microsoft.Extensions.Logging;

namespace Pgward.Agent;

/// <summary>The agent's log lines. Event ids 3000-3099. Information only for state changes and control actions. Loggers are
/// named for their subsystem (<see cref="Core.Logging.LogSubsystems"/>): agent, monitor (3010, 3030), control (3020-3022).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(3000, LogLevel.Information, "agent of node {NodeName} (ID: {NodeId}) listening on {Url}")]
    public static partial void Listening(ILogger logger, string nodeName, int nodeId, string url);

    [LoggerMessage(3001, LogLevel.Information, "agent stopping")]
    public static partial void Stopping(ILogger logger);

    /// <summary>The local server's role changed; <paramref name="timeline"/> and <paramref name="lsn"/> are where it stands
    /// (a primary's current LSN, a standby's replayed one), "?" when unknown.</summary>
    [LoggerMessage(3010, LogLevel.Information, "local server: {Before} -> {After} (timeline {Timeline}, LSN {Lsn}) {Error}")]
    public static partial void ServerStateChanged(ILogger logger, string before, string after, string timeline, string lsn, string error);

    [LoggerMessage(3030, LogLevel.Warning, "monitoring history not recorded: {Error}")]
    public static partial void MonitoringHistoryFailed(ILogger logger, string error);

    [LoggerMessage(3020, LogLevel.Information, "control {Action} succeeded")]
    public static partial void ControlSucceeded(ILogger logger, string action);

    [LoggerMessage(3021, LogLevel.Error, "control {Action} failed: {Error}")]
    public static partial void ControlFailed(ILogger logger, string action, string error);

    // The token itself is never logged, only whether it was missing or wrong.
    [LoggerMessage(3022, LogLevel.Warning, "{Action} refused from {Remote} ({Path}): {Reason} token")]
    public static partial void ControlRefused(ILogger logger, string action, string remote, string path, string reason);
}
