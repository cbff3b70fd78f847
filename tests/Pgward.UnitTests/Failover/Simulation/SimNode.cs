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
    public bool Frozen { get; set; }

    /// <summary>Agent messages that arrived while frozen, processed in a burst on unfreeze.</summary>
    public List<AgentMessage> Held { get; } = [];

    public DateTimeOffset NextTick { get; set; }

    /// <summary>How fast this node's clock runs relative to true time.</summary>
    public double ClockRate { get; set; } = 1;

    public bool Writable => !Profile.IsWitness && !Crashed && Postgres.Writable(Frozen);

    public LocalStatus Local => Profile.IsWitness || Crashed
        ? LocalStatus.None
        : new LocalStatus(Postgres.Running, Postgres.IsPrimary, Postgres.Timeline, Postgres.Lsn, Postgres.AckedLsn, Postgres.UpstreamId);
}
