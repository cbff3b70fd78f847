namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>How a node's agent is gone while its PostgreSQL runs on (issue 13): unlike a crash or a freeze of the
/// whole host, the server keeps acknowledging commits that do not wait for a synchronous standby.</summary>
public enum AgentOutage
{
    /// <summary>The agent runs.</summary>
    None,

    /// <summary>SIGSTOP of the agent alone: no ticks, messages held; on resuming it keeps its state and handles them.</summary>
    Frozen,

    /// <summary>Killed or stopped: its state is lost and messages to it are dropped; restarted, it starts afresh from
    /// its durable voter state, as the real agent does beside a running server.</summary>
    Dead,
}
