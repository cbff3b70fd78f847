using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pgward.IntegrationTests.Deploy;

namespace Pgward.IntegrationTests.Dashboard;

/// <summary>
/// The queries of dashboards/pgward.json as Grafana sends them to Prometheus: each panel target's <c>expr</c> with the
/// dashboard's variables replaced by values, as Grafana interpolates them before a query.
/// </summary>
public static partial class GrafanaQueries
{
    public static string DashboardPath => Path.Combine(DeployGuide.RepositoryRoot(), "dashboards", "pgward.json");

    /// <summary>Every panel's targets, nested panels (a collapsed row's) included, and the annotations' queries: the panel's
    /// title (or the annotation's name) and the expression as written.</summary>
    public static IReadOnlyList<(string Panel, string Expr)> Targets()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var found = new List<(string, string)>();
        void Walk(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                if (panel.TryGetProperty("targets", out var targets))
                {
                    found.AddRange(targets.EnumerateArray().Select(t => (panel.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));
                }
                if (panel.TryGetProperty("panels", out var nested))
                {
                    Walk(nested);
                }
            }
        }
        Walk(dashboard.RootElement.GetProperty("panels"));
        found.AddRange(dashboard.RootElement.GetProperty("annotations").GetProperty("list").EnumerateArray()
            .Where(a => a.TryGetProperty("expr", out _))
            .Select(a => ("annotation " + a.GetProperty("name").GetString(), a.GetProperty("expr").GetString()!)));
        return found;
    }

    /// <summary>The <c>cluster</c> variable's query, <c>label_values(METRIC, LABEL)</c>: the metric and the label.</summary>
    public static (string Metric, string Label) ClusterVariable()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var variable = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == "cluster");
        var match = LabelValues().Match(variable.GetProperty("definition").GetString()!);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value)
            : throw new InvalidDataException($"the cluster variable's query is not label_values(metric, label): {variable}");
    }

    /// <summary>
    /// <paramref name="expr"/> with the variables replaced: <c>$cluster</c> by <paramref name="cluster"/>, and Grafana's own
    /// intervals as Grafana computes them for a Prometheus data source whose scrape interval is
    /// <paramref name="scrapeInterval"/>: <c>$__interval</c> is the range divided by the panel's width in points, never
    /// below the scrape interval (15 s here, a 6 h range over about 1400 points); <c>$__rate_interval</c> is
    /// max(<c>$__interval</c> + scrape interval, 4 × scrape interval).
    /// </summary>
    public static string Interpolate(string expr, string cluster, TimeSpan scrapeInterval)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(15, scrapeInterval.TotalSeconds));
        var rate = TimeSpan.FromTicks(Math.Max((interval + scrapeInterval).Ticks, 4 * scrapeInterval.Ticks));
        return expr
            .Replace("${cluster}", cluster, StringComparison.Ordinal)
            .Replace("$cluster", cluster, StringComparison.Ordinal)
            .Replace("$__rate_interval", Seconds(rate), StringComparison.Ordinal)
            .Replace("$__interval", Seconds(interval), StringComparison.Ordinal);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s";

    [GeneratedRegex(@"^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$")]
    private static partial Regex LabelValues();
}
