using System.Text.Json.Serialization;

namespace Pgward.Cluster.Show;

/// <summary>What <c>cluster show --json</c> prints and the agent's <c>GET /cluster</c> answers.</summary>
public sealed record ClusterShowJson(string MetadataReadFrom, IReadOnlyList<ClusterRow> Nodes, IReadOnlyList<string> Warnings)
{
    /// <summary>The registered backup servers; absent (not an empty list) when there are none, so that the output of
    /// a cluster without one is what it was before backup servers existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BackupServerRow>? BackupServers { get; init; }

    /// <summary>A warning about the layout (an even number of voters) that does not change the exit code; absent when
    /// there is none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LayoutWarning { get; init; }

    public static ClusterShowJson From(ClusterReport report) => new(report.ReadFrom, report.Rows, report.Warnings)
    {
        BackupServers = report.BackupServers.Count > 0 ? report.BackupServers : null,
        LayoutWarning = report.LayoutWarning,
    };
}
