using System.Text.Json;

namespace Pgward.Agent.Dashboard;

/// <summary>The dashboard's JSON: snake_case like the agent's other answers. The default encoder escapes <c>&lt;</c>,
/// <c>&gt;</c> and <c>&amp;</c> as well; the page puts every value into text nodes in any case.</summary>
public static class DashboardJson
{
    public static DashboardJsonContext Context { get; } = new(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
}
