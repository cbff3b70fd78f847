using Pgward.Cluster.Show;

namespace Pgward.Cli.Json;

internal sealed record ClusterShowJson(string MetadataReadFrom, IReadOnlyList<ClusterRow> Nodes, IReadOnlyList<string> Warnings);
