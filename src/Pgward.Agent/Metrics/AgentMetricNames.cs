using Pgward.Http.Metrics;
using static Pgward.Http.Metrics.MetricKind;

namespace Pgward.Agent.Metrics;

/// <summary>Every metric a node agent (a witness's too) serves at <c>/metrics</c>, each with the <c>cluster</c> and
/// <c>node</c> labels; docs/monitoring.md explains them, dashboards/pgward.json draws them.</summary>
public static class AgentMetricNames
{
    public static readonly MetricDefinition Role = new("pgward_node_role", Gauge,
        "The local server's role: 1 for the role it has, 0 for the others (unknown: it does not answer).", "role");
    public static readonly MetricDefinition PostgresUp = new("pgward_postgres_up", Gauge,
        "1 when the agent can connect to its server and query it.");
    public static readonly MetricDefinition InRecovery = new("pgward_postgres_in_recovery", Gauge,
        "1 when the server is in recovery (a standby, or a fenced primary restarted read-only).");
    public static readonly MetricDefinition Timeline = new("pgward_postgres_timeline", Gauge,
        "The server's timeline.");
    public static readonly MetricDefinition LagBytes = new("pgward_replication_lag_bytes", Gauge,
        "A standby's replay position behind its upstream's current one, in bytes.", "source");
    public static readonly MetricDefinition LagSeconds = new("pgward_replication_lag_seconds", Gauge,
        "A standby's replay delay: 0 when it has replayed all its upstream wrote, else the age of the last transaction it replayed.");
    public static readonly MetricDefinition WalReceiver = new("pgward_wal_receiver_status", Gauge,
        "The WAL receiver's status (pg_stat_wal_receiver.status; none when no receiver runs): 1 for the current one.", "status");
    public static readonly MetricDefinition Term = new("pgward_failover_term", Gauge,
        "The failover term this agent is in.");
    public static readonly MetricDefinition FailoverRole = new("pgward_failover_role", Gauge,
        "The agent's failover state (as /node's failover_state): 1 for the current one, 0 for the others.", "role");
    public static readonly MetricDefinition Fenced = new("pgward_fenced", Gauge,
        "1 when the local primary must not take writes (fenced, or its commit lease lapsed).");
    public static readonly MetricDefinition CommitLeaseOpen = new("pgward_commit_lease_open", Gauge,
        "1 while the commit lease lets the local primary take commits; only where a lease runs (commit_lease on, async mode).");
    public static readonly MetricDefinition HeartbeatAge = new("pgward_primary_heartbeat_age_seconds", Gauge,
        "Seconds since this agent last accepted a heartbeat of the primary's agent; absent on the primary and before the first.");
    public static readonly MetricDefinition Elections = new("pgward_elections_total", Counter,
        "Elections this node stood in (vote rounds it began as a candidate) since the agent started.");
    public static readonly MetricDefinition Promotions = new("pgward_promotions_total", Counter,
        "Promotions of this node since the agent started, by cause: failover (it won an election it began) or switchover (on request).", "cause");
    public static readonly MetricDefinition LastPromotionDuration = new("pgward_last_promotion_duration_seconds", Gauge,
        "Of this node's last promotion of each cause: seconds from the last heartbeat it heard from the former primary to the end of its promotion.", "cause");
    public static readonly MetricDefinition LateRenewals = new("pgward_lease_late_renewals_total", Counter,
        "Renewals of this primary's lease with less than 500 ms of it left, since the agent started: at 0 the dead-man switch stops PostgreSQL.");
    public static readonly MetricDefinition Paused = new("pgward_paused", Gauge,
        "1 while the daemon is paused (pgward daemon pause): no automatic failover.");
    public static readonly MetricDefinition Events = new("pgward_events_total", Counter,
        "Events this agent recorded since it started, by name (pgward.events' event) and success.", "event", "success");

    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Role, PostgresUp, InRecovery, Timeline, LagBytes, LagSeconds, WalReceiver, Term, FailoverRole, Fenced, CommitLeaseOpen,
        HeartbeatAge, Elections, Promotions, LastPromotionDuration, LateRenewals, Paused, Events,
    ];
}
