using System.Text.Json.Serialization;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;

namespace Pgward.Cli.Json;

/// <summary>
/// Source-generated JSON for every <c>--json</c> output (the executable is compiled ahead of time: no reflection).
/// Serialize through <see cref="PgwardJson.Context"/>, which carries the output options.
/// </summary>
[JsonSerializable(typeof(ClusterShowJson))]
[JsonSerializable(typeof(IReadOnlyList<DaemonStatusJson>))]
[JsonSerializable(typeof(IReadOnlyList<EventRecord>))]
[JsonSerializable(typeof(MatrixJson))]
[JsonSerializable(typeof(NodeCheckJson))]
[JsonSerializable(typeof(NodeStatusJson))]
internal sealed partial class PgwardJsonContext : JsonSerializerContext;
