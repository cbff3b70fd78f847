namespace Pgward.Http.Metrics;

/// <summary>One value of a metric at a scrape, with the values of its labels in the order of <see cref="MetricDefinition.Labels"/>.</summary>
public sealed record MetricSample(MetricDefinition Metric, double Value, IReadOnlyList<string> LabelValues)
{
    /// <summary>The value of label <paramref name="name"/>.</summary>
    public string Label(string name) => LabelValues[Array.IndexOf(Metric.Labels, name)];
}
