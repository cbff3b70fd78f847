namespace Pgward.Agent.Health;

/// <summary>Which URL paths answer which <see cref="HealthEndpoint"/>: Patroni's, aliases included.</summary>
public static class HealthPaths
{
    public static readonly IReadOnlyList<(string Path, HealthEndpoint Endpoint)> All =
    [
        ("/", HealthEndpoint.Primary),
        ("/primary", HealthEndpoint.Primary),
        ("/master", HealthEndpoint.Primary),
        ("/leader", HealthEndpoint.Primary),
        ("/read-write", HealthEndpoint.Primary),
        ("/replica", HealthEndpoint.Replica),
        ("/read-only", HealthEndpoint.ReadOnly),
        ("/health", HealthEndpoint.Health),
        ("/liveness", HealthEndpoint.Liveness),
        ("/readiness", HealthEndpoint.Readiness),
    ];
}
