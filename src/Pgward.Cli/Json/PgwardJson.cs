using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pgward.Cli.Json;

/// <summary>
/// The JSON context the commands serialize with: indented, snake_case names. The relaxed encoder
/// writes <c>"</c>, <c>'</c> and <c>&lt;</c> as themselves, not <c>\u0022</c>: the output goes to terminals and
/// scripts, never into an HTML page.
/// </summary>
internal static class PgwardJson
{
    public static PgwardJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
