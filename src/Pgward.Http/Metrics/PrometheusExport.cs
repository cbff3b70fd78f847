using Prometheus;

namespace Pgward.Http.Metrics;

/// <summary>
/// The one adapter to prometheus-net (chosen over OpenTelemetry's exporter for its smaller footprint in the NativeAOT
/// executable and its registry per daemon instead of a process-wide listener: see BENCHMARKS.md, issue 18). Each scrape
/// asks the daemon for its samples, read then from the state it keeps, sets them into a registry of its own (the
/// <c>cluster</c> and <c>node</c> labels as the registry's static labels), drops the series a scrape no longer reports
/// (a standby's lag once it is the primary), and writes the registry in the Prometheus text format. Concurrent scrapes
/// take turns.
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    /// <summary>The content type of the text format, version 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Func<CancellationToken, Task<IReadOnlyList<MetricSample>>> collect;
    private readonly CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly Dictionary<MetricDefinition, Gauge> gauges = [];
    private readonly Dictionary<MetricDefinition, Counter> counters = [];
    private readonly Dictionary<MetricDefinition, HashSet<string[]>> published = [];
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <param name="definitions">Every metric the daemon may report; a sample of any other is a bug.</param>
    /// <param name="collect">The samples of one scrape.</param>
    public PrometheusExport(string cluster, string node, IEnumerable<MetricDefinition> definitions,
        Func<CancellationToken, Task<IReadOnlyList<MetricSample>>> collect)
    {
        this.collect = collect;
        registry.SetStaticLabels(new Dictionary<string, string> { [MetricDefinition.CommonLabels[0]] = cluster, [MetricDefinition.CommonLabels[1]] = node });
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        foreach (var definition in definitions)
        {
            if (definition.Kind == MetricKind.Counter)
            {
                counters[definition] = factory.CreateCounter(definition.Name, definition.Help,
                    new CounterConfiguration { LabelNames = definition.Labels, SuppressInitialValue = true });
            }
            else
            {
                gauges[definition] = factory.CreateGauge(definition.Name, definition.Help,
                    new GaugeConfiguration { LabelNames = definition.Labels, SuppressInitialValue = true });
            }
            published[definition] = new HashSet<string[]>(LabelValuesComparer.Instance);
        }
    }

    /// <summary>Collects the samples and writes them to <paramref name="body"/> in the text format.</summary>
    public async Task WriteAsync(Stream body, CancellationToken ct)
    {
        var samples = await collect(ct);
        await gate.WaitAsync(ct);
        try
        {
            Apply(samples);
            await registry.CollectAndExportAsTextAsync(body, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private void Apply(IReadOnlyList<MetricSample> samples)
    {
        var seen = published.Keys.ToDictionary(d => d, _ => new HashSet<string[]>(LabelValuesComparer.Instance));
        foreach (var sample in samples)
        {
            var labels = sample.LabelValues as string[] ?? [.. sample.LabelValues];
            if (!seen[sample.Metric].Add(labels))
            {
                throw new InvalidOperationException($"{sample.Metric.Name} reported twice with the labels {string.Join(",", labels)}");
            }
            // A counter the daemon keeps itself is published as it is: it only grows, and a restart resets both.
            switch (counters.TryGetValue(sample.Metric, out var counter), labels.Length)
            {
                case (true, 0):
                    counter!.IncTo(sample.Value);
                    break;
                case (true, _):
                    counter!.WithLabels(labels).IncTo(sample.Value);
                    break;
                case (false, 0):
                    gauges[sample.Metric].Set(sample.Value);
                    break;
                default:
                    gauges[sample.Metric].WithLabels(labels).Set(sample.Value);
                    break;
            }
        }
        foreach (var (definition, now) in seen)
        {
            foreach (var gone in published[definition].Where(l => !now.Contains(l)))
            {
                Remove(definition, gone);
            }
            published[definition] = now;
        }
    }

    private void Remove(MetricDefinition definition, string[] labels)
    {
        Collector collector = counters.TryGetValue(definition, out var counter) ? counter : gauges[definition];
        switch (collector, labels.Length)
        {
            case (Gauge g, 0):
                g.Unpublish();
                break;
            case (Gauge g, _):
                g.RemoveLabelled(labels);
                break;
            case (Counter c, 0):
                c.Unpublish();
                break;
            case (Counter c, _):
                c.RemoveLabelled(labels);
                break;
        }
    }
}
