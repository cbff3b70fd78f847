using System.Text.Json.Serialization;

namespace Pgward.Agent.Dashboard;

/// <summary>Source-generated JSON of the dashboard's endpoints; use it through <see cref="DashboardJson.Context"/>.</summary>
[JsonSerializable(typeof(DashboardState))]
[JsonSerializable(typeof(DashboardActionRequest))]
[JsonSerializable(typeof(DashboardActionResult))]
[JsonSerializable(typeof(DashboardRefusal))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
