using System.Text.Json.Serialization;

namespace Pgward.Agent.Failover;

/// <summary>Source-generated JSON for the messages between agents (NativeAOT has no reflection-based serializer).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FailoverEnvelope))]
internal sealed partial class FailoverJson : JsonSerializerContext;
