using System.Text.Json.Serialization;

namespace Pgward.Backup.Files;

/// <summary>Source-generated JSON of the agent's backup sessions; use it through <see cref="FilesJson.Context"/>.</summary>
[JsonSerializable(typeof(SessionStartRequest))]
[JsonSerializable(typeof(SessionStartReply))]
[JsonSerializable(typeof(FetchRequest))]
[JsonSerializable(typeof(SessionStopReply))]
[JsonSerializable(typeof(SessionError))]
[JsonSerializable(typeof(string))]
public sealed partial class FilesJsonContext : JsonSerializerContext;
