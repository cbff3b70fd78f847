using Pgward.Core.Supervision;

namespace Pgward.Agent;

/// <summary>
/// Every long-running loop of the node agent, with what its fault does (see <see cref="LoopFaultPolicy"/>): the agent
/// registers each from here, so this list is the agent's own. A loop whose state is still to be trusted after a fault,
/// or is rebuilt when it starts again, restarts; one that leaves decisions half-applied stops the agent.
/// </summary>
public static class AgentLoops
{
    /// <summary>Monitoring only observes and records history: after a fault it starts afresh.</summary>
    public static readonly LoopDefinition Monitor = new("monitor", LoopFaultPolicy.Restart);

    /// <summary>A fault that escapes the failover loop leaves its decisions (term, vote, lease) half-applied: the agent
    /// stops, and what guards a primary without its agent (the commit lease's closed connection, the dead-man switch)
    /// takes over until the service manager starts it again.</summary>
    public static readonly LoopDefinition Failover = new("failover", LoopFaultPolicy.StopProcess);

    /// <summary>A stale look at the local server counts as "server down" until the probe runs again.</summary>
    public static readonly LoopDefinition FailoverProbe = new("failover probe", LoopFaultPolicy.Restart);

    public static readonly LoopDefinition FailoverTick = new("failover tick", LoopFaultPolicy.Restart);

    /// <summary>Each action is decided again by the next tick.</summary>
    public static readonly LoopDefinition FailoverExecutor = new("failover executor", LoopFaultPolicy.Restart);

    public static readonly LoopDefinition EventWriter = new("event writer", LoopFaultPolicy.Restart);

    public static readonly LoopDefinition AgentUrlRefresh = new("agent-url refresh", LoopFaultPolicy.Restart);

    /// <summary>The switch is what stops this primary when its agent cannot: an agent that can no longer keep one running
    /// stops, and the switch it leaves (or the next agent's) guards the server meanwhile.</summary>
    public static readonly LoopDefinition DeadManSupervision = new("dead-man supervision", LoopFaultPolicy.StopProcess);

    /// <summary>It connects afresh; meanwhile commits wait, which is safe.</summary>
    public static readonly LoopDefinition CommitLease = new("commit lease", LoopFaultPolicy.Restart);

    /// <summary>The loop that sends messages to node <paramref name="nodeId"/>'s agent: messages are best effort.</summary>
    public static LoopDefinition Sender(int nodeId) => new($"sender to node {nodeId}", LoopFaultPolicy.Restart);

    /// <summary>The agent's loops of fixed name, in the order they start (one <see cref="Sender"/> per peer besides).</summary>
    public static IReadOnlyList<LoopDefinition> All { get; } =
        [Monitor, Failover, FailoverProbe, FailoverTick, FailoverExecutor, EventWriter, AgentUrlRefresh, DeadManSupervision, CommitLease];
}
