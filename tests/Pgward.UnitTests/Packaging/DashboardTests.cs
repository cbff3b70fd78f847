using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pgward.Agent.Metrics;
using Pgward.Backup.Metrics;
using Xunit;

namespace Pgward.UnitTests.Packaging;

/// <summary>dashboards/pgward.json, the Grafana dashboard: importable as is, and drawn only from metrics the agents and the
/// backup server define, so that a renamed metric cannot leave a panel empty.</summary>
public sealed partial class DashboardTests
{
    private static string DashboardPath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "dashboards", "pgward.json"));

    private static readonly JsonElement Dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath())).RootElement;

    private static readonly HashSet<string> Defined = [.. AgentMetricNames.All.Concat(BackupMetricNames.All).Select(m => m.Name)];

    /// <summary>Every PromQL expression: the panels' targets, the variables' queries, the annotations'.</summary>
    private static List<string> Expressions()
    {
        var found = new List<string>();
        void Walk(JsonElement e, string? name)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Walk(p.Value, p.Name);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item, name);
                    }
                    break;
                case JsonValueKind.String when name is "expr" or "definition" or "query":
                    found.Add(e.GetString()!);
                    break;
            }
        }
        Walk(Dashboard, null);
        return found;
    }

    [Fact]
    public void Every_expression_names_only_metrics_the_code_defines()
    {
        var expressions = Expressions();
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} expressions found in {DashboardPath()}");
        foreach (var expr in expressions)
        {
            var names = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(names.Count > 0, $"\"{expr}\" names no pgward metric");
            Assert.All(names, n => Assert.True(Defined.Contains(n), $"\"{expr}\" names {n}, which no agent nor backup server serves"));
        }
    }

    [Fact]
    public void It_covers_topology_lag_failovers_backup_freshness_and_archive_lag()
    {
        var used = Expressions().SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
        string[] wanted = ["pgward_node_role", "pgward_failover_term", "pgward_replication_lag_bytes", "pgward_replication_lag_seconds",
            "pgward_promotions_total", "pgward_backup_last_age_seconds", "pgward_wal_archive_lag_bytes", "pgward_wal_archive_lag_seconds"];
        Assert.All(wanted, w => Assert.Contains(w, used));
    }

    [Fact]
    public void It_is_importable_with_the_datasource_as_an_input()
    {
        Assert.Equal("DS_PROMETHEUS", Dashboard.GetProperty("__inputs")[0].GetProperty("name").GetString());
        var panels = Dashboard.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, p =>
        {
            Assert.Equal("${DS_PROMETHEUS}", p.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(p.GetProperty("targets").EnumerateArray());
        });
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public void Every_metric_the_code_serves_is_documented_in_docs_monitoring_md()
    {
        var docs = File.ReadAllText(Path.Combine(Path.GetDirectoryName(DashboardPath())!, "..", "docs", "monitoring.md"));
        Assert.All(Defined, name => Assert.True(docs.Contains($"| `{name}` |", StringComparison.Ordinal), $"docs/monitoring.md has no row for {name}"));
    }

    [GeneratedRegex(@"\bpgward_[a-z_]+\b")]
    private static partial Regex MetricName();
}
