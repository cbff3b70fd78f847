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

    /// <summary>Every panel, a row's nested ones included.</summary>
    private static List<JsonElement> AllPanels()
    {
        var found = new List<JsonElement>();
        void Walk(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                found.Add(panel);
                if (panel.TryGetProperty("panels", out var nested))
                {
                    Walk(nested);
                }
            }
        }
        Walk(Dashboard.GetProperty("panels"));
        return found;
    }

    /// <summary>What Grafana's import needs of the JSON, as its dashboard model reads it: the top-level fields, each panel's
    /// type, position and targets, the data source of every panel, target and variable being the <c>DS_PROMETHEUS</c>
    /// input, unique panel IDs and per-panel unique refIds, and every <c>$variable</c> an expression uses defined.</summary>
    [Fact]
    public void Its_structure_is_what_Grafanas_import_reads()
    {
        Assert.False(string.IsNullOrWhiteSpace(Dashboard.GetProperty("title").GetString()));
        Assert.Matches("^[A-Za-z0-9_-]{1,40}$", Dashboard.GetProperty("uid").GetString());
        Assert.True(Dashboard.GetProperty("schemaVersion").GetInt32() >= 36, "schemaVersion below 36 (Grafana 9): panels would be migrated on import");
        Assert.Equal(JsonValueKind.Array, Dashboard.GetProperty("panels").ValueKind);
        Assert.Equal(JsonValueKind.Null, Dashboard.TryGetProperty("id", out var id) ? id.ValueKind : JsonValueKind.Null);
        var input = Assert.Single(Dashboard.GetProperty("__inputs").EnumerateArray());
        Assert.Equal(("datasource", "prometheus"), (input.GetProperty("type").GetString(), input.GetProperty("pluginId").GetString()));
        var source = "${" + input.GetProperty("name").GetString() + "}";

        var panels = AllPanels();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var required = Dashboard.GetProperty("__requires").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "panel").Select(r => r.GetProperty("id").GetString()).ToHashSet();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            var type = panel.GetProperty("type").GetString()!;
            var grid = panel.GetProperty("gridPos");
            var (x, y, w, h) = (grid.GetProperty("x").GetInt32(), grid.GetProperty("y").GetInt32(), grid.GetProperty("w").GetInt32(), grid.GetProperty("h").GetInt32());
            Assert.True(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, $"panel \"{title}\": gridPos {grid} outside Grafana's 24 columns");
            if (type == "row")
            {
                continue;
            }
            Assert.True(required.Contains(type), $"panel \"{title}\": type {type} missing from __requires");
            Assert.Equal(source, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t =>
            {
                Assert.Equal(source, t.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"panel \"{title}\": a target without expr");
            });
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
        }

        var variables = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        Assert.All(variables, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("name").GetString()));
            Assert.Equal(source, v.GetProperty("datasource").GetProperty("uid").GetString());
        });
        Assert.All(Dashboard.GetProperty("annotations").GetProperty("list").EnumerateArray(),
            a => Assert.Equal(source, a.GetProperty("datasource").GetProperty("uid").GetString()));
        var defined = variables.Select(v => v.GetProperty("name").GetString()).ToHashSet();
        foreach (var expr in Expressions())
        {
            foreach (var used in Variable().Matches(expr).Select(m => m.Groups[1].Value).Where(v => !v.StartsWith("__", StringComparison.Ordinal)))
            {
                Assert.True(defined.Contains(used), $"\"{expr}\" uses ${used}, which the dashboard's templating does not define");
            }
        }
    }

    [Fact]
    public void Every_metric_the_code_serves_is_documented_in_docs_monitoring_md()
    {
        var docs = File.ReadAllText(Path.Combine(Path.GetDirectoryName(DashboardPath())!, "..", "docs", "monitoring.md"));
        Assert.All(Defined, name => Assert.True(docs.Contains($"| `{name}` |", StringComparison.Ordinal), $"docs/monitoring.md has no row for {name}"));
    }

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\bpgward_[a-z_]+\b")]
    private static partial Regex MetricName();
}
