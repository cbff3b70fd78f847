using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pgward.Backup.Files;

/// <summary>The JSON of backup sessions, shared by the agent and the backup server: snake_case, source-generated.</summary>
public static class FilesJson
{
    public static FilesJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
