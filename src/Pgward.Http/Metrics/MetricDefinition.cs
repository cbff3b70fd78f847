namespace Pgward.Http.Metrics;

/// <summary>
/// One metric a daemon serves: its name (Prometheus conventions: <c>pgward_</c>, base units, <c>_total</c> for counters),
/// its type, the help line, and its own label names (<c>cluster</c> and <c>node</c>, which every metric has, are not among
/// them). docs/monitoring.md lists every definition; the Grafana dashboard may use only these names.
/// </summary>
public sealed record MetricDefinition(string Name, MetricKind Kind, string Help, params string[] Labels)
{
    /// <summary>The labels every metric of a pgward daemon carries, set once per process.</summary>
    public static readonly IReadOnlyList<string> CommonLabels = ["cluster", "node"];

    /// <summary>A sample of this metric.</summary>
    public MetricSample Sample(double value, params string[] labelValues) => new(this, value, labelValues);

    /// <summary>A sample of a 0/1 gauge.</summary>
    public MetricSample Sample(bool value, params string[] labelValues) => new(this, value ? 1 : 0, labelValues);
}
