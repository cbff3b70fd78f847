namespace Pgward.Cluster.Show;

public sealed record ClusterReport(IReadOnlyList<ClusterRow> Rows, IReadOnlyList<string> Warnings, string ReadFrom);
