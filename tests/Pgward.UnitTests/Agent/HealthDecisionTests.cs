using Pgward.Agent.Health;
using Xunit;

namespace Pgward.UnitTests.Agent;

public sealed class HealthDecisionTests
{
    private static readonly ServerState Primary = new(Running: true, InRecovery: false, Streaming: false, LagBytes: null, Fenced: false);
    private static readonly ServerState FencedPrimary = Primary with { Fenced = true };
    private static readonly ServerState StreamingStandby = new(Running: true, InRecovery: true, Streaming: true, LagBytes: 1000, Fenced: false);
    private static readonly ServerState DisconnectedStandby = StreamingStandby with { Streaming = false };
    private static readonly ServerState StandbyWithoutLag = StreamingStandby with { LagBytes = null };
    private static readonly ServerState DelayedStandby = StreamingStandby with { Delayed = true };
    private static readonly ServerState Stopped = ServerState.Stopped;
    // A witness's server runs read-write, as a primary's does.
    private static readonly ServerState Witness = Primary with { Witness = true };

    public static TheoryData<string, HealthEndpoint, int> Cases => new()
    {
        { "primary", HealthEndpoint.Primary, 200 },
        { "fenced", HealthEndpoint.Primary, 503 },
        { "standby", HealthEndpoint.Primary, 503 },
        { "stopped", HealthEndpoint.Primary, 503 },
        { "primary", HealthEndpoint.Replica, 503 },
        { "standby", HealthEndpoint.Replica, 200 },
        { "disconnected", HealthEndpoint.Replica, 503 },
        { "stopped", HealthEndpoint.Replica, 503 },
        { "primary", HealthEndpoint.ReadOnly, 200 },
        { "fenced", HealthEndpoint.ReadOnly, 200 },
        { "standby", HealthEndpoint.ReadOnly, 200 },
        { "disconnected", HealthEndpoint.ReadOnly, 200 },
        { "stopped", HealthEndpoint.ReadOnly, 503 },
        { "primary", HealthEndpoint.Health, 200 },
        { "disconnected", HealthEndpoint.Health, 200 },
        { "stopped", HealthEndpoint.Health, 503 },
        { "stopped", HealthEndpoint.Liveness, 200 },
        { "primary", HealthEndpoint.Readiness, 200 },
        { "fenced", HealthEndpoint.Readiness, 503 },
        { "standby", HealthEndpoint.Readiness, 200 },
        { "disconnected", HealthEndpoint.Readiness, 503 },
        { "stopped", HealthEndpoint.Readiness, 503 },
        { "delayed", HealthEndpoint.Replica, 503 },
        { "delayed", HealthEndpoint.Readiness, 503 },
        { "delayed", HealthEndpoint.ReadOnly, 200 },
        { "delayed", HealthEndpoint.Health, 200 },
        { "witness", HealthEndpoint.Primary, 503 },
        { "witness", HealthEndpoint.Replica, 503 },
        { "witness", HealthEndpoint.ReadOnly, 503 },
        { "witness", HealthEndpoint.Readiness, 503 },
        { "witness", HealthEndpoint.Health, 200 },
        { "witness", HealthEndpoint.Liveness, 200 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_answers_Patronis_status_code_for_each_role(string state, HealthEndpoint endpoint, int expected) =>
        Assert.Equal(expected, HealthDecision.Evaluate(endpoint, State(state), HealthQuery.None));

    [Theory]
    [InlineData(999, 503)]
    [InlineData(1000, 200)]
    [InlineData(16 * 1024 * 1024, 200)]
    public void Replica_with_lag_limit_is_unavailable_only_when_lag_exceeds_it(long maxLag, int expected)
    {
        Assert.Equal(expected, HealthDecision.Evaluate(HealthEndpoint.Replica, StreamingStandby, new HealthQuery(maxLag)));
        Assert.Equal(expected, HealthDecision.Evaluate(HealthEndpoint.Readiness, StreamingStandby, new HealthQuery(maxLag)));
    }

    [Fact]
    public void Replica_with_lag_limit_is_unavailable_when_lag_is_unknown() =>
        Assert.Equal(503, HealthDecision.Evaluate(HealthEndpoint.Replica, StandbyWithoutLag, new HealthQuery(1L << 30)));

    [Fact]
    public void Replica_without_lag_limit_ignores_unknown_lag() =>
        Assert.Equal(200, HealthDecision.Evaluate(HealthEndpoint.Replica, StandbyWithoutLag, HealthQuery.None));

    [Fact]
    public void Lag_limit_does_not_affect_primary_checks() =>
        Assert.Equal(200, HealthDecision.Evaluate(HealthEndpoint.Primary, Primary, new HealthQuery(0)));

    [Fact]
    public void Only_liveness_answers_without_a_probe()
    {
        Assert.False(HealthDecision.NeedsProbe(HealthEndpoint.Liveness));
        Assert.All(Enum.GetValues<HealthEndpoint>().Where(e => e != HealthEndpoint.Liveness), e => Assert.True(HealthDecision.NeedsProbe(e)));
    }

    [Fact]
    public void Every_endpoint_has_a_path_and_Patronis_aliases_map_to_primary()
    {
        Assert.All(Enum.GetValues<HealthEndpoint>(), e => Assert.Contains(HealthPaths.All, p => p.Endpoint == e));
        foreach (var alias in new[] { "/", "/primary", "/master", "/leader", "/read-write" })
        {
            Assert.Equal(HealthEndpoint.Primary, HealthPaths.All.Single(p => p.Path == alias).Endpoint);
        }
    }

    [Theory]
    [InlineData(HealthEndpoint.Health, 503)]
    [InlineData(HealthEndpoint.Primary, 200)]
    [InlineData(HealthEndpoint.Liveness, 200)]
    public void A_failed_or_stuck_loop_of_the_agent_makes_only_health_unavailable(HealthEndpoint endpoint, int expected) =>
        Assert.Equal(expected, HealthDecision.Evaluate(endpoint, Primary, HealthQuery.None, loopsHealthy: false));

    private static ServerState State(string name) => name switch
    {
        "primary" => Primary,
        "fenced" => FencedPrimary,
        "standby" => StreamingStandby,
        "disconnected" => DisconnectedStandby,
        "stopped" => Stopped,
        "witness" => Witness,
        "delayed" => DelayedStandby,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
