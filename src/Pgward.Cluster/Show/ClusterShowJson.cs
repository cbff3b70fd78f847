namespace Pgward.Cluster.Show;

/// <summary>What <c>cluster show --json</c> prints and the agent's <c>GET /cluster</c> answers.</summary>
public sealed record ClusterShowJson(string MetadataReadFrom, IReadOnlyList<ClusterRow> Nodes, IReadOnlyList<string> Warnings)
{
    public static ClusterShowJson From(ClusterReport report) => new(report.ReadFrom, report.Rows, report.Warnings);
}
