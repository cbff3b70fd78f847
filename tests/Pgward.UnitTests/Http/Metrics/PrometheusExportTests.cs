using Pgward.Core.Config;
using Pgward.Http.Metrics;
using Xunit;

namespace Pgward.UnitTests.Http.Metrics;

public sealed class PrometheusExportTests
{
    private static readonly MetricDefinition Up = new("pgward_test_up", MetricKind.Gauge, "up");
    private static readonly MetricDefinition Lag = new("pgward_test_lag_bytes", MetricKind.Gauge, "lag", "source");
    private static readonly MetricDefinition Events = new("pgward_test_events_total", MetricKind.Counter, "events", "event");

    private static async Task<string> ScrapeAsync(PrometheusExport export)
    {
        using var body = new MemoryStream();
        await export.WriteAsync(body, TestContext.Current.CancellationToken);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public async Task Samples_are_written_in_the_text_format_with_the_cluster_and_node_labels()
    {
        using var export = new PrometheusExport("prod", "node1", [Up, Lag, Events],
            _ => Task.FromResult<IReadOnlyList<MetricSample>>([Up.Sample(true), Lag.Sample(16384, "upstream"), Events.Sample(3, "pgward_fence")]));

        var text = await ScrapeAsync(export);

        Assert.Contains("# TYPE pgward_test_up gauge", text);
        Assert.Contains("# TYPE pgward_test_events_total counter", text);
        Assert.Contains("pgward_test_up{cluster=\"prod\",node=\"node1\"} 1", text);
        Assert.Contains("pgward_test_lag_bytes{source=\"upstream\",cluster=\"prod\",node=\"node1\"} 16384", text);
        Assert.Contains("pgward_test_events_total{event=\"pgward_fence\",cluster=\"prod\",node=\"node1\"} 3", text);
    }

    [Fact]
    public async Task A_series_no_longer_reported_is_dropped_and_comes_back_when_reported_again()
    {
        var round = 0;
        using var export = new PrometheusExport("c", "n", [Up, Lag], _ => Task.FromResult<IReadOnlyList<MetricSample>>(
            ++round == 2 ? [] : [Up.Sample(round), Lag.Sample(round, "receive")]));

        Assert.Contains("pgward_test_lag_bytes{source=\"receive\",cluster=\"c\",node=\"n\"} 1", await ScrapeAsync(export));
        var second = await ScrapeAsync(export);
        Assert.DoesNotContain("pgward_test_lag_bytes{", second);
        Assert.DoesNotContain("pgward_test_up{", second);
        var third = await ScrapeAsync(export);
        Assert.Contains("pgward_test_lag_bytes{source=\"receive\",cluster=\"c\",node=\"n\"} 3", third);
        Assert.Contains("pgward_test_up{cluster=\"c\",node=\"n\"} 3", third);
    }

    [Fact]
    public async Task A_metric_reported_twice_with_the_same_labels_is_a_bug()
    {
        using var export = new PrometheusExport("c", "n", [Up], _ => Task.FromResult<IReadOnlyList<MetricSample>>([Up.Sample(1), Up.Sample(0)]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => ScrapeAsync(export));
    }

    [Theory]
    [InlineData("secret", MetricsAuth.Token, "Bearer secret", null)]
    [InlineData("secret", MetricsAuth.Token, "bearer secret", null)]
    [InlineData("secret", MetricsAuth.Token, null, 401)]
    [InlineData("secret", MetricsAuth.Token, "Bearer wrong", 401)]
    [InlineData("", MetricsAuth.Token, "Bearer anything", 403)]
    [InlineData("", MetricsAuth.None, null, null)]
    [InlineData("secret", MetricsAuth.None, null, null)]
    public void A_scrape_needs_the_agent_token_unless_metrics_auth_is_none(string token, MetricsAuth auth, string? authorization, int? status) =>
        Assert.Equal(status, MetricsRoute.Refusal(token, auth, authorization)?.Status);
}
