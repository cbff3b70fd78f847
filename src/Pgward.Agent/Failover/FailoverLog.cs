using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Failover;

/// <summary>The failover loop's log lines. Event ids 3100-3199. Information for every decision and action.</summary>
internal static partial class FailoverLog
{
    [LoggerMessage(3100, LogLevel.Information, "failover: voters {Voters}, term {Term}, primary {Primary}")]
    public static partial void Started(ILogger logger, string voters, long term, string primary);

    [LoggerMessage(3102, LogLevel.Critical, "UNSAFE: failover runs with {Faults} (PGWARD_UNSAFE): two primaries may take writes; for fault-injection tests only")]
    public static partial void Unsafe(ILogger logger, string faults);

    [LoggerMessage(3101, LogLevel.Warning, "failover is off: {Reason}")]
    public static partial void Disabled(ILogger logger, string reason);

    [LoggerMessage(3110, LogLevel.Warning, "agent of node {Peer} unreachable: {Error}")]
    public static partial void PeerUnreachable(ILogger logger, int peer, string error);

    [LoggerMessage(3111, LogLevel.Information, "agent of node {Peer} reachable again")]
    public static partial void PeerReachable(ILogger logger, int peer);

    [LoggerMessage(3120, LogLevel.Information, "{Action}")]
    public static partial void Decided(ILogger logger, string action);

    [LoggerMessage(3121, LogLevel.Information, "{Action} done")]
    public static partial void Done(ILogger logger, string action);

    [LoggerMessage(3122, LogLevel.Error, "{Action} failed: {Error}")]
    public static partial void Failed(ILogger logger, string action, string error);

    [LoggerMessage(3123, LogLevel.Warning, "not promoted: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(3124, LogLevel.Warning, "agent stopping while {Why}: PostgreSQL keeps running and taking writes without its agent, and nothing fences it until the agent runs again")]
    public static partial void Detached(ILogger logger, string why);

    [LoggerMessage(3125, LogLevel.Warning, "this node's record names its agent at {Registered}, but it listens on {Listening}: {Outcome}")]
    public static partial void AgentUrlDiffers(ILogger logger, string registered, string listening, string outcome);

    [LoggerMessage(3126, LogLevel.Information, "agent of node {Peer} is now at {Url} (its record changed)")]
    public static partial void PeerMoved(ILogger logger, int peer, string url);

    [LoggerMessage(3127, LogLevel.Warning, "event {Event} not recorded: {Error}")]
    public static partial void EventNotRecorded(ILogger logger, string @event, string error);

    [LoggerMessage(3128, LogLevel.Warning, "event {Event} ({Details}) dropped: {Capacity} newer events wait to be recorded")]
    public static partial void EventDropped(ILogger logger, string @event, string details, int capacity);

    [LoggerMessage(3140, LogLevel.Information, "{Action} in term {Term}: {Details}")]
    public static partial void DecidedInTerm(ILogger logger, string action, long term, string details);

    [LoggerMessage(3141, LogLevel.Information, "{Action} in term {Term} done")]
    public static partial void DoneInTerm(ILogger logger, string action, long term);

    [LoggerMessage(3142, LogLevel.Error, "{Action} in term {Term} failed: {Error}")]
    public static partial void FailedInTerm(ILogger logger, string action, long term, string error);

    [LoggerMessage(3143, LogLevel.Information, "pgward primary recorded: node {NodeName} is the primary of term {Term}{InPlaceOf}")]
    public static partial void PrimaryRecorded(ILogger logger, string nodeName, long term, string inPlaceOf);

    [LoggerMessage(3144, LogLevel.Information, "agent stopping on the primary of term {Term}: handing the primary role over (CHECKPOINT, fast stop, lease released)")]
    public static partial void HandingOver(ILogger logger, long term);

    [LoggerMessage(3145, LogLevel.Information, "handover done: node {Primary} is the primary of term {Term}; this node stays stopped until its agent runs again")]
    public static partial void HandedOver(ILogger logger, int? primary, long term);

    [LoggerMessage(3146, LogLevel.Warning, "{Probe} probe: the local server's socket {Socket} refused this agent ({Problem}); looking at the server over the conninfo instead, which costs the idle agent more CPU (pg_hba.conf needs a \"local\" line for this user and database)")]
    public static partial void ProbeOverTcp(ILogger logger, string probe, string socket, string problem);

    [LoggerMessage(3147, LogLevel.Warning, "failover: cannot watch {DataDirectory} for standby.signal ({Problem}); this node ticks at every interval even while it is a steady standby")]
    public static partial void SignalWatchFailed(ILogger logger, string dataDirectory, string problem);
}
