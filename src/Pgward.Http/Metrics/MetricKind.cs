namespace Pgward.Http.Metrics;

/// <summary>The Prometheus type of a metric.</summary>
public enum MetricKind
{
    /// <summary>A value that goes up and down (a role, a lag).</summary>
    Gauge,
    /// <summary>A count since the process started, that only grows (elections, events); its name ends in <c>_total</c>.</summary>
    Counter,
}
