using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>A named set of faults the seeded schedule draws from, on a cluster of three data nodes and a witness.</summary>
/// <param name="Description">What it checks, in a few words, for the report.</param>
public sealed record ChaosScenario(string Name, string Description, IReadOnlyList<FaultSpec> Faults)
{
    /// <summary>The <c>synchronous_commit</c> values dealt to the writers, one each (from the run's seed).
    /// Default <c>on</c> only; the agent-gone scenarios mix in <c>local</c> and <c>off</c>, the commits that neither a
    /// synchronous standby nor the commit lease holds back.</summary>
    public IReadOnlyList<SynchronousCommit> WriterCommits { get; init; } = [SynchronousCommit.On];

    /// <summary>How its backup server takes base backups (<see cref="Network.BackupMethods"/>): pg_basebackup by default;
    /// <c>files</c>, through the source node's agent, incremental after the first.</summary>
    public string BackupMethod { get; init; } = Network.BackupMethods.Tar;

    /// <summary>Whether its runs need a backup server beside the cluster, and judge its backups at the end.</summary>
    public bool UsesBackupServer => Faults.Any(f => f.Kind.UsesBackupServer());
}
