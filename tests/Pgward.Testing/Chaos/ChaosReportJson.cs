using System.Text.Json.Serialization;

namespace Pgward.Testing.Chaos;

/// <summary>The report's JSON, source-generated like the rest of pgward's JSON.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ChaosReportDocument))]
internal sealed partial class ChaosReportJson : JsonSerializerContext;
