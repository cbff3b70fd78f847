namespace Pgward.Cli.Json;

/// <summary>One node of <c>daemon status --json</c>.</summary>
internal sealed record DaemonStatusJson(
    int NodeId, string NodeName, string Role, bool AgentReachable, int? Pid, string? Url, string? Error, bool? Paused = null,
    double? UpstreamLastSeenSecondsAgo = null, long? Term = null, string? Failover = null, string? FailoverNote = null,
    bool? ServerRunning = null, int Priority = 0, string Location = "");
