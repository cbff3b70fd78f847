namespace Pgward.Agent.Health;

/// <summary>The health checks the agent answers, under Patroni's paths so existing HAProxy configs work.</summary>
public enum HealthEndpoint
{
    /// <summary><c>/primary</c>, <c>/master</c>, <c>/leader</c>, <c>/read-write</c>, <c>/</c>: a writable primary.</summary>
    Primary,
    /// <summary><c>/replica</c>: a standby streaming from its upstream, within <c>?lag=</c> when given.</summary>
    Replica,
    /// <summary><c>/read-only</c>: a running primary or standby. Never a witness (every role check answers 503 there).</summary>
    ReadOnly,
    /// <summary><c>/health</c>: PostgreSQL runs, whatever its role, and no loop of the agent failed or is stuck.</summary>
    Health,
    /// <summary><c>/liveness</c>: the agent answers.</summary>
    Liveness,
    /// <summary><c>/readiness</c>: a writable primary, or a streaming standby within <c>?lag=</c>.</summary>
    Readiness,
}
