namespace Pgward.Cluster.Show;

public sealed record ClusterReport(IReadOnlyList<ClusterRow> Rows, IReadOnlyList<string> Warnings, string ReadFrom)
{
    /// <summary>The registered backup servers (<c>pgward.backup_servers</c>): listed, never nodes.</summary>
    public IReadOnlyList<BackupServerRow> BackupServers { get; init; } = [];
}
