using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Fencing;

/// <summary>The dead-man switch's log lines and the agent's about it. Event ids 3200-3249.</summary>
internal static partial class DeadManLog
{
    [LoggerMessage(3200, LogLevel.Information, "dead-man switch (PID {Pid}) watching {DataDirectory}")]
    public static partial void Started(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(3201, LogLevel.Warning, "dead-man switch: lease expired {LateMs:0} ms ago and the {Agent}; stopped the postmaster (PID {Pid}) at once")]
    public static partial void Fired(ILogger logger, int pid, double lateMs, string agent);

    [LoggerMessage(3202, LogLevel.Error, "dead-man switch: unable to signal the postmaster (PID {Pid}): {Error}")]
    public static partial void FireFailed(ILogger logger, int pid, string error);

    [LoggerMessage(3203, LogLevel.Information, "dead-man switch ends ({Mode}; agent alive: {AgentAlive})")]
    public static partial void Ended(ILogger logger, string mode, bool agentAlive);

    [LoggerMessage(3210, LogLevel.Information, "dead-man switch started (PID {Pid})")]
    public static partial void Spawned(ILogger logger, int pid);

    [LoggerMessage(3211, LogLevel.Warning, "dead-man switch {Problem}; starting another")]
    public static partial void Replacing(ILogger logger, string problem);

    [LoggerMessage(3212, LogLevel.Error, "dead-man switch could not be started: {Error}")]
    public static partial void SpawnFailed(ILogger logger, string error);

    [LoggerMessage(3214, LogLevel.Error, "no dead-man switch has run for {Seconds:0} s: nothing would stop this server at its lease's end if the agent stopped, so it does not lead (a primary is fenced and hands over) nor stand; why the switch does not run is in {Log}")]
    public static partial void Missing(ILogger logger, double seconds, string log);

    [LoggerMessage(3215, LogLevel.Information, "dead-man switch (PID {Pid}) runs again: this node may lead and stand again")]
    public static partial void Registered(ILogger logger, int pid);

    [LoggerMessage(3216, LogLevel.Warning, "the lease was renewed {Margin} ({Count} late renewal(s) since the last such warning): this agent or a majority's acknowledgements ran late (an overloaded, swapping or paused host, a slow network); a lease that lapses on a writable primary makes the dead-man switch stop PostgreSQL")]
    public static partial void RenewedLate(ILogger logger, string margin, int count);

    [LoggerMessage(3213, LogLevel.Warning, "dead-man switch stopped the server {AgoMs:0} ms ago, while this agent did not renew the lease")]
    public static partial void FoundFired(ILogger logger, double agoMs);
}
