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

    /// <summary>The last term this node's server was promoted in: term 1 for the first primary, 0 for a node never
    /// promoted.</summary>
    public long LedTerm { get; set; }

    /// <summary>The whole host is frozen (SIGSTOP of agent, switch and PostgreSQL together, a VM pause).</summary>
    public bool Frozen { get; set; }

    /// <summary>The agent alone is gone; PostgreSQL and the dead-man switch run on.</summary>
    public AgentOutage AgentOutage { get; set; }

    public SimDeadManSwitch Switch { get; } = new();

    /// <summary>Whether the agent handles ticks and messages now.</summary>
    public bool AgentRuns => !Crashed && !Frozen && AgentOutage == AgentOutage.None;

    /// <summary>The agent is stopping after handing the primary role over: until then (or until it hears a successor) it
    /// only answers other agents, as <c>FailoverDriver.HandOverAsync</c> does.</summary>
    public DateTimeOffset? LeavingUntil { get; set; }

    /// <summary>The term the leaving agent led: a primary of a later one is its successor.</summary>
    public long LeavingTerm { get; set; }

    /// <summary>Its agent stopped the server to hand the role over: the agent starts it again, read-only, when it runs
    /// again (<c>FailoverDriver.StartHandedOverAsync</c>).</summary>
    public bool HandedOver { get; set; }

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
            Guarded: Postgres is { Running: true, IsPrimary: true, Fenced: true }, ApplyDelayed: Postgres is { ApplyDelayed: true, IsPrimary: false });
}
