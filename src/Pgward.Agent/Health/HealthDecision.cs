namespace Pgward.Agent.Health;

/// <summary>Patroni's answers to its health checks, decided from one probe of the local server: 200 or 503.</summary>
public static class HealthDecision
{
    public const int Ok = 200;
    public const int Unavailable = 503;

    /// <summary>Whether the endpoint needs a probe of the server at all (<c>/liveness</c> only asks the agent).</summary>
    public static bool NeedsProbe(HealthEndpoint endpoint) => endpoint != HealthEndpoint.Liveness;

    /// <param name="loopsHealthy">No loop of the agent failed or is stuck; <c>/health</c> answers 503 otherwise, as an
    /// agent that watches its server only in part is not healthy.</param>
    public static int Evaluate(HealthEndpoint endpoint, ServerState state, HealthQuery query, bool loopsHealthy = true)
    {
        var ok = endpoint switch
        {
            HealthEndpoint.Primary => IsWritablePrimary(state),
            HealthEndpoint.Replica => IsStreamingStandbyWithinLag(state, query),
            HealthEndpoint.ReadOnly => state.Running && !state.Witness,
            HealthEndpoint.Health => state.Running && loopsHealthy,
            HealthEndpoint.Liveness => true,
            HealthEndpoint.Readiness => IsWritablePrimary(state) || IsStreamingStandbyWithinLag(state, query),
            _ => false,
        };
        return ok ? Ok : Unavailable;
    }

    // A fenced primary still runs and serves reads, but must not be sent writes: after a failover it may be the
    // old primary that lost its majority. A witness's server is writable, but holds none of the application's data.
    private static bool IsWritablePrimary(ServerState state) => state.Running && !state.InRecovery && !state.Fenced && !state.Witness;

    // With a lag limit and no known lag (no LSNs yet) the standby cannot show it is within the limit: unavailable.
    // A delayed standby is no replica to read from: its data is as old as its recovery_min_apply_delay on purpose, and
    // a read pool behind /replica would serve it (/read-only still answers 200: it serves reads).
    private static bool IsStreamingStandbyWithinLag(ServerState state, HealthQuery query) =>
        state.Running && state.InRecovery && state.Streaming && !state.Delayed
        && (query.MaxLagBytes is not { } max || state.LagBytes is { } lag && lag <= max);
}
