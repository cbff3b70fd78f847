using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pgward.Cluster.Agents;

/// <summary>
/// The JSON the agent speaks, shared by the server and <see cref="AgentClient"/>: snake_case names, source-generated
/// (the executable is compiled ahead of time). The relaxed encoder leaves quotes readable; nothing goes into HTML.
/// </summary>
public static class AgentJson
{
    public static AgentJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
