using Pgward.Failover;
using Pgward.Failover.Agreement;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>One simulated host: its agent (lost on crash), its durable voter state (kept), its PostgreSQL.</summary>
public sealed class SimNode(NodeProfile profile, InMemoryAgreementStore store)
{
    public NodeProfile Profile { get; } = profile;
    public int Id => Profile.Id;
    public InMemoryAgreementStore Store { get; } = store;
    public SimPostgres Postgres { get; } = new();
    public FailoverNode? Agent { get; set; }
    public bool Crashed { get; set; }

    /// <summary>The whole host is frozen (SIGSTOP of agent, switch and PostgreSQL together, a VM pause).</summary>
    public bool Frozen { get; set; }

    /// <summary>The agent alone is gone; PostgreSQL and the dead-man switch run on.</summary>
    public AgentOutage AgentOutage { get; set; }

    public SimDeadManSwitch Switch { get; } = new();

    /// <summary>Whether the agent handles ticks and messages now.</summary>
    public bool AgentRuns => !Crashed && !Frozen && AgentOutage == AgentOutage.None;

    /// <summary>The server was stopped by the dead-man switch and nobody started it again yet.</summary>
    public bool StoppedBySwitch { get; set; }

    /// <summary>Agent messages that arrived while the host or the agent was frozen, processed in a burst on resuming.</summary>
    public List<AgentMessage> Held { get; } = [];

    public DateTimeOffset NextTick { get; set; }

    /// <summary>How fast this node's clock runs relative to true time.</summary>
    public double ClockRate { get; set; } = 1;

    public bool Writable => !Profile.IsWitness && !Crashed && Postgres.Writable(Frozen);

    public LocalStatus Local => Profile.IsWitness || Crashed
        ? LocalStatus.None
        : new LocalStatus(Postgres.Running, Postgres.IsPrimary, Postgres.Timeline, Postgres.Lsn, Postgres.AckedLsn, Postgres.UpstreamId,
            Guarded: Postgres is { Running: true, IsPrimary: true, Fenced: true });
}
