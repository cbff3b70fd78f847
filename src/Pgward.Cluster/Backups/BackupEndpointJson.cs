using System.Text.Json.Serialization;

namespace Pgward.Cluster.Backups;

/// <summary>Source-generated JSON of a backup server's endpoint, for the server and its callers alike.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EndpointStatus))]
[JsonSerializable(typeof(EndpointError))]
[JsonSerializable(typeof(IReadOnlyList<BackupSummary>))]
[JsonSerializable(typeof(RestoreManifest))]
[JsonSerializable(typeof(RestoreFilesRequest))]
[JsonSerializable(typeof(IReadOnlyList<RestoreBlockMap>))]
public sealed partial class BackupEndpointJson : JsonSerializerContext;
