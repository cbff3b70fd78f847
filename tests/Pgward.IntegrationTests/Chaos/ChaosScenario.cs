using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>A named set of faults the seeded schedule draws from, on a cluster of three data nodes and a witness.</summary>
/// <param name="Description">What it checks, in a few words, for the report.</param>
public sealed record ChaosScenario(string Name, string Description, IReadOnlyList<FaultSpec> Faults)
{
    /// <summary>Whether its runs need a backup server beside the cluster, and judge its backups at the end.</summary>
    public bool UsesBackupServer => Faults.Any(f => f.Kind.UsesBackupServer());
}
