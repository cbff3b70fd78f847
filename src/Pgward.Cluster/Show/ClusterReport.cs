namespace Pgward.Cluster.Show;

/// <param name="Warnings">Inconsistencies between the records and the servers: <c>cluster show</c> exits 25.</param>
public sealed record ClusterReport(IReadOnlyList<ClusterRow> Rows, IReadOnlyList<string> Warnings, string ReadFrom)
{
    /// <summary>A warning about the layout rather than an inconsistency (an even number of voters,
    /// <see cref="VoterCountWarning"/>): printed, but the exit code stays 0.</summary>
    public string? LayoutWarning { get; init; }

    /// <summary>The registered backup servers (<c>pgward.backup_servers</c>): listed, never nodes.</summary>
    public IReadOnlyList<BackupServerRow> BackupServers { get; init; } = [];
}
