using System.Text.Json.Serialization;
using Pgward.Cluster.Matrix;
using Pgward.Cluster.Show;

namespace Pgward.Cluster.Agents;

/// <summary>Source-generated JSON for the agent's requests and answers; use it through <see cref="AgentJson.Context"/>.</summary>
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(StopRequest))]
[JsonSerializable(typeof(FollowRequest))]
[JsonSerializable(typeof(RejoinBody))]
[JsonSerializable(typeof(RecoverBody))]
[JsonSerializable(typeof(NodeReport))]
[JsonSerializable(typeof(ClusterShowJson))]
[JsonSerializable(typeof(ConnectivityReport))]
[JsonSerializable(typeof(ConnectivityMatrix))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
